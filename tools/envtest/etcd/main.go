// Command etcd is the etcd server used by knsim's envtest control plane,
// built from Go modules so that nothing is downloaded outside the module proxy.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
