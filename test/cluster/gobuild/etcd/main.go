// Command etcd is the etcd server, built from the published go.etcd.io/etcd/server/v3 module.
//
// etcd's own main package lives in the repository's root module, whose go.mod replaces server/v3, api/v3
// and the rest with relative paths, so `go install` of it fails. This wrapper depends on the published
// server module instead and calls the same entry point that etcd's main calls.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
