//go:build mage

// Backend build with Grafana's standard tooling (grafana-plugin-sdk-go/build), as create-plugin
// scaffolds it: `go tool mage -v` builds gpx_vsphere_<os>_<arch> for every platform Grafana
// supports plus dist/go_plugin_build_manifest; `go tool mage build:backend` builds the host's only.
// See https://grafana.com/developers/plugin-tools/key-concepts/backend-plugins/ and the SDK's
// build package documentation.
package main

import (
	// mage:import
	build "github.com/grafana/grafana-plugin-sdk-go/build"
)

// Default configures the default target: every supported platform.
var Default = build.BuildAll
