// Command gpx_vsphere is the backend of the privatecloud-vsphere-datasource Grafana plugin.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/privatecloud/vsphere/pkg/plugin"
)

func main() {
	if err := datasource.Manage("privatecloud-vsphere-datasource", plugin.NewDatasource, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error(err.Error())
		os.Exit(1)
	}
}
