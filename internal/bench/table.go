package bench

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Row is one line of the results table.
type Row struct {
	ID, Measure, Target, Measured string
	// Verdict is "met", "missed" or "not measured" (with a reason).
	Verdict   string
	Reproduce string
}

// Machine describes the computer the figures come from.
type Machine struct {
	CPU    string
	Cores  int
	Go     string
	Kernel string
}

// ThisMachine reads the CPU model from /proc/cpuinfo and the kernel
// release from /proc/sys/kernel/osrelease (left empty where absent).
func ThisMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), CPU: "unknown CPU", Kernel: runtime.GOOS}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.Join(strings.Fields(v), " ")
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = runtime.GOOS + " " + strings.TrimSpace(string(b))
	}
	return m
}

// Short is the machine in a few words, for a table cell.
func (m Machine) Short() string {
	return fmt.Sprintf("%s, %d cores, %s", m.CPU, m.Cores, m.Go)
}

// Median returns the middle sample (the mean of the two middle ones for
// an even count); zero for none.
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Percentile returns the nearest-rank p-th percentile (0 < p ≤ 100).
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Ms formats d in milliseconds, or microseconds below one millisecond.
func Ms(d time.Duration) string {
	if d < time.Millisecond {
		return strconv.FormatFloat(float64(d)/float64(time.Microsecond), 'f', 0, 64) + " µs"
	}
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

// GoBench is one line of `go test -bench -benchmem` output.
type GoBench struct {
	Name                    string // without the -GOMAXPROCS suffix
	NsPerOp, BPerOp, Allocs float64
}

// ParseGoBench reads the benchmark lines of `go test -bench -benchmem`
// output; other lines are skipped.
func ParseGoBench(out string) []GoBench {
	var res []GoBench
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		b := GoBench{Name: f[0]}
		if i := strings.LastIndexByte(b.Name, '-'); i > 0 {
			if _, err := strconv.Atoi(b.Name[i+1:]); err == nil {
				b.Name = b.Name[:i]
			}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				b.NsPerOp = v
			case "B/op":
				b.BPerOp = v
			case "allocs/op":
				b.Allocs = v
			}
		}
		res = append(res, b)
	}
	return res
}

// Table renders rows as a markdown table; every row names machine.
func Table(rows []Row, machine string) string {
	var b strings.Builder
	b.WriteString("| # | Measure | Target | Measured | Verdict | Machine | Reproduce |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.ID, cell(r.Measure), cell(r.Target),
			cell(r.Measured), cell(r.Verdict), cell(machine), cell(r.Reproduce))
	}
	return b.String()
}
