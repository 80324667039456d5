// Stand-in for monis.app/mlog v0.0.2, the logging setup library of the upstream driver, which
// the Go module proxy refuses to serve (403). See mlog.go for what it covers.
module monis.app/mlog

go 1.25.9

require (
	k8s.io/component-base v0.30.1
	k8s.io/klog/v2 v2.120.1
)
