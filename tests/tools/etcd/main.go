// Command etcd is the upstream etcd server, built from the Go module proxy at the version pinned in
// go.mod (Debian's etcd-server 3.4 is older than current kube-apiservers support).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
