// Command rsswrap runs a command and writes its peak resident set size
// (KB) and wall time (ns) to a file: `rsswrap OUT CMD ARGS...`. Its exit
// code is the command's.
//
// It exists because Linux carries a process's memory high-water mark
// across exec: a child started directly by a large process (the
// benchmark driver) reports the parent's RSS as its own ru_maxrss. This
// small parent keeps that floor at its own couple of megabytes.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: rsswrap OUT CMD [ARGS...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(2)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if err := os.WriteFile(os.Args[1], fmt.Appendf(nil, "%d %d\n", ru.Maxrss, wall.Nanoseconds()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(2)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
