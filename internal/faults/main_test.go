package faults

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// TestMain lets four cases per core run side by side unless -parallel is
// given: many cases wait on a hanging server or a special file rather
// than compute, and none of them depends on how long another takes (every
// request expected to be answered has a generous timeout).
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	os.Exit(m.Run())
}
