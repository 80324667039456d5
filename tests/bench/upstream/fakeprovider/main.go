// Command fake-provider serves upstream's fake provider
// (sigs.k8s.io/secrets-store-csi-driver/provider/fake, from the same v1.6.0 module as the
// driver) on <provider-dir>/<name>.sock, the socket the upstream driver looks for. Every Mount
// answers with the regular files of -files-dir (name and content, mode 0644) and version "v1"
// of each: the benchmark writes there what the sscsi mock provider returns for its class, so
// both drivers write the same payload. Like a real provider, the fake parses the attributes,
// secrets and permission JSON of every request.
//
// Upstream's e2e provider (test/e2eprovider) would be the closer match, but it is a separate Go
// module without a release tag, which the module proxy does not serve.
package main

import (
	"flag"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"sigs.k8s.io/secrets-store-csi-driver/provider/fake"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"
)

func main() {
	dir := flag.String("provider-dir", "", "directory of provider sockets (the driver's --provider-volume)")
	name := flag.String("name", "fake", "provider name: the socket is <provider-dir>/<name>.sock")
	filesDir := flag.String("files-dir", "", "directory whose regular files every Mount returns")
	flag.Parse()
	if *dir == "" || *filesDir == "" {
		log.Fatalf("fake-provider: -provider-dir and -files-dir are required")
	}

	entries, err := os.ReadDir(*filesDir)
	if err != nil {
		log.Fatalf("fake-provider: cannot read -files-dir: %v", err)
	}
	var files []*v1alpha1.File
	versions := map[string]string{}
	for _, entry := range entries {
		if !entry.Type().IsRegular() {
			continue
		}
		contents, err := os.ReadFile(filepath.Join(*filesDir, entry.Name()))
		if err != nil {
			log.Fatalf("fake-provider: cannot read %s: %v", entry.Name(), err)
		}
		files = append(files, &v1alpha1.File{Path: entry.Name(), Mode: 0o644, Contents: contents})
		versions[entry.Name()] = "v1"
	}
	if len(files) == 0 {
		log.Fatalf("fake-provider: no regular files in %s", *filesDir)
	}

	socket := filepath.Join(*dir, *name+".sock")
	// A socket left by a killed run would make Listen fail.
	if err := os.Remove(socket); err != nil && !os.IsNotExist(err) {
		log.Fatalf("fake-provider: cannot remove stale socket %s: %v", socket, err)
	}
	server, err := fake.NewMocKCSIProviderServer(socket)
	if err != nil {
		log.Fatalf("fake-provider: %v", err)
	}
	server.SetFiles(files)
	server.SetObjects(versions)
	if err := server.Start(); err != nil {
		log.Fatalf("fake-provider: cannot listen on %s: %v", socket, err)
	}
	log.Printf("fake-provider: serving %d files on %s", len(files), socket)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	server.Stop()
}
