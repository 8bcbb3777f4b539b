package vcenter

// VMSummary is one item of GET /api/vcenter/vm.
type VMSummary struct {
	VM         string `json:"vm"`
	Name       string `json:"name"`
	PowerState string `json:"power_state"`
	CPUCount   int    `json:"cpu_count,omitempty"`
	MemoryMiB  int64  `json:"memory_size_MiB,omitempty"`
}

// Host is one item of GET /api/vcenter/host.
type Host struct {
	Host            string `json:"host"`
	Name            string `json:"name"`
	ConnectionState string `json:"connection_state"`
	PowerState      string `json:"power_state,omitempty"`
}

// Cluster is one item of GET /api/vcenter/cluster.
type Cluster struct {
	Cluster    string `json:"cluster"`
	Name       string `json:"name"`
	HAEnabled  bool   `json:"ha_enabled"`
	DRSEnabled bool   `json:"drs_enabled"`
}

// Datastore is one item of GET /api/vcenter/datastore.
type Datastore struct {
	Datastore string `json:"datastore"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	FreeSpace int64  `json:"free_space,omitempty"`
	Capacity  int64  `json:"capacity,omitempty"`
}

// Network is one item of GET /api/vcenter/network.
type Network struct {
	Network string `json:"network"`
	Name    string `json:"name"`
	Type    string `json:"type"`
}

// Folder is one item of GET /api/vcenter/folder.
type Folder struct {
	Folder string `json:"folder"`
	Name   string `json:"name"`
	Type   string `json:"type"`
}

// ResourcePool is one item of GET /api/vcenter/resource-pool.
type ResourcePool struct {
	ResourcePool string `json:"resource_pool"`
	Name         string `json:"name"`
}

// Datacenter is one item of GET /api/vcenter/datacenter.
type Datacenter struct {
	Datacenter string `json:"datacenter"`
	Name       string `json:"name"`
}

// VMInfo is GET /api/vcenter/vm/{vm} (the fields we use; unknown ones are ignored).
type VMInfo struct {
	Name       string `json:"name"`
	GuestOS    string `json:"guest_OS"`
	PowerState string `json:"power_state"`
	Identity   *struct {
		Name         string `json:"name"`
		InstanceUUID string `json:"instance_uuid"`
	} `json:"identity,omitempty"`
	Hardware struct {
		Version string `json:"version"`
	} `json:"hardware"`
	CPU struct {
		Count            int  `json:"count"`
		CoresPerSocket   int  `json:"cores_per_socket"`
		HotAddEnabled    bool `json:"hot_add_enabled"`
		HotRemoveEnabled bool `json:"hot_remove_enabled"`
	} `json:"cpu"`
	Memory struct {
		SizeMiB         int64 `json:"size_MiB"`
		HotAddEnabled   bool  `json:"hot_add_enabled"`
		HotAddIncrement int64 `json:"hot_add_increment_size_MiB,omitempty"`
		HotAddLimitMiB  int64 `json:"hot_add_limit_MiB,omitempty"`
	} `json:"memory"`
	Disks map[string]Disk `json:"disks"`
	NICs  map[string]NIC  `json:"nics"`
}

// Disk is one VM disk.
type Disk struct {
	Label   string `json:"label"`
	Type    string `json:"type"`
	Backing struct {
		Type     string `json:"type"`
		VmdkFile string `json:"vmdk_file"`
	} `json:"backing"`
	Capacity int64 `json:"capacity"`
}

// NIC is one VM network adapter.
type NIC struct {
	Label          string `json:"label"`
	Type           string `json:"type"`
	MacAddress     string `json:"mac_address"`
	State          string `json:"state"`
	StartConnected bool   `json:"start_connected"`
	Backing        struct {
		Type        string `json:"type"`
		Network     string `json:"network"`
		NetworkName string `json:"network_name"`
	} `json:"backing"`
}

// GuestIdentity is GET …/guest/identity (needs VMware Tools).
type GuestIdentity struct {
	Name     string `json:"name"`
	Family   string `json:"family"`
	FullName struct {
		DefaultMessage string `json:"default_message"`
	} `json:"full_name"`
	HostName  string `json:"host_name"`
	IPAddress string `json:"ip_address"`
}

// LocalFilesystem is one entry of GET …/guest/local-filesystem, keyed by mount point.
type LocalFilesystem struct {
	Capacity  int64 `json:"capacity"`
	FreeSpace int64 `json:"free_space"`
}

// GuestInterface is one entry of GET …/guest/networking/interfaces.
type GuestInterface struct {
	NIC        string `json:"nic"`
	MacAddress string `json:"mac_address"`
	IP         *struct {
		IPAddresses []struct {
			IPAddress string `json:"ip_address"`
		} `json:"ip_addresses"`
	} `json:"ip,omitempty"`
}

// CreateSpec is the POST /api/vcenter/vm body.
type CreateSpec struct {
	Name      string        `json:"name"`
	GuestOS   string        `json:"guest_OS"`
	Placement PlacementSpec `json:"placement"`
	CPU       *CPUSpec      `json:"cpu,omitempty"`
	Memory    *MemorySpec   `json:"memory,omitempty"`
	Disks     []DiskCreate  `json:"disks,omitempty"`
	NICs      []NICCreate   `json:"nics,omitempty"`
}

// PlacementSpec says where a new VM goes.
type PlacementSpec struct {
	Folder       string `json:"folder,omitempty"`
	Cluster      string `json:"cluster,omitempty"`
	Host         string `json:"host,omitempty"`
	ResourcePool string `json:"resource_pool,omitempty"`
	Datastore    string `json:"datastore,omitempty"`
}

// CPUSpec is the CPU part of a create or PATCH …/hardware/cpu body.
type CPUSpec struct {
	Count          int `json:"count,omitempty"`
	CoresPerSocket int `json:"cores_per_socket,omitempty"`
}

// MemorySpec is the memory part of a create or PATCH …/hardware/memory body.
type MemorySpec struct {
	SizeMiB int64 `json:"size_MiB,omitempty"`
}

// DiskCreate adds a new VMDK.
type DiskCreate struct {
	NewVmdk struct {
		Capacity int64 `json:"capacity"`
	} `json:"new_vmdk"`
}

// NICCreate adds a NIC on a network.
type NICCreate struct {
	Type           string `json:"type,omitempty"`
	StartConnected bool   `json:"start_connected"`
	Backing        struct {
		Type    string `json:"type"`
		Network string `json:"network"`
	} `json:"backing"`
}

// ListFilter is the query of the inventory list calls (bare /api names).
type ListFilter map[string][]string
