// Package mlog stands in for monis.app/mlog v0.0.2, which the module proxy refuses to serve.
// The upstream driver (v1.6.0) uses six names from it, all in process start-up: Setup,
// FormatText, FormatJSON, ValidateAndSetKlogLevelAndFormatGlobally, Error and Fatal. Its own
// logging goes through klog everywhere else. This package applies the verbosity and format with
// the same Kubernetes logging API (k8s.io/component-base/logs/api/v1) that mlog configures, so
// the driver logs the same lines in the same format; nothing on the CSI path is replaced.
package mlog

import (
	"context"
	"fmt"
	"os"

	logsapi "k8s.io/component-base/logs/api/v1"
	_ "k8s.io/component-base/logs/json/register" // makes the "json" format known to logsapi
	"k8s.io/klog/v2"
)

// LogFormat is a klog output format known to k8s.io/component-base/logs.
type LogFormat string

const (
	FormatText LogFormat = logsapi.DefaultLogFormat
	FormatJSON LogFormat = logsapi.JSONLogFormat
)

// Setup returns the function to defer at the end of main: it flushes buffered log lines.
func Setup() func() {
	return klog.Flush
}

// ValidateAndSetKlogLevelAndFormatGlobally applies the verbosity and output format to klog for
// the whole process.
func ValidateAndSetKlogLevelAndFormatGlobally(_ context.Context, level klog.Level, format LogFormat) error {
	if level < 0 {
		return fmt.Errorf("mlog: klog level %d is negative", level)
	}
	config := logsapi.NewLoggingConfiguration()
	config.Verbosity = logsapi.VerbosityLevel(level)
	config.Format = string(format)
	if err := logsapi.ValidateAndApply(config, nil); err != nil {
		return fmt.Errorf("mlog: cannot apply log level %d and format %q: %w", level, format, err)
	}
	return nil
}

// Error logs err with msg and optional key/value pairs.
func Error(msg string, err error, keysAndValues ...any) {
	klog.ErrorS(err, msg, keysAndValues...)
}

// Fatal logs err, flushes the log and exits with status 1.
func Fatal(err error, keysAndValues ...any) {
	klog.ErrorS(err, "fatal error", keysAndValues...)
	klog.Flush()
	os.Exit(1)
}
