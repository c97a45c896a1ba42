// Command rsswrap runs a command and writes its peak resident set size
// (KB) and wall time (ns) to a file, and the command's output to another:
// `rsswrap STATS OUTPUT CMD ARGS...`. Its exit code is the command's.
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
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: rsswrap STATS OUTPUT CMD [ARGS...]")
		os.Exit(2)
	}
	out, err := os.Create(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(2)
	}
	defer out.Close()
	cmd := exec.Command(os.Args[3], os.Args[4:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, out, os.Stderr
	start := time.Now()
	err = cmd.Run()
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
	out.Close()
	os.Exit(cmd.ProcessState.ExitCode())
}
