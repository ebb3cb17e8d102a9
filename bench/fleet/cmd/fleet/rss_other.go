//go:build !linux

package main

import "os"

// maxRSS is not measured on this platform (the units of ru_maxrss differ
// between systems): the table prints "-".
func maxRSS(*os.ProcessState) int64 { return 0 }
