package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"github.com/moby/moby/client"
)

// Machine describes the host, the engine and the tools of a run.
type Machine struct {
	CPU        string
	Cores      int
	MemoryMiB  int64
	Kernel     string
	Engine     string // server version and negotiated API version
	Storage    string // storage driver, cgroup driver and version
	DockerCLI  string
	GoVersion  string
	ACBVersion string
}

// Table returns the machine as label/value pairs in display order.
func (m Machine) Table() [][2]string {
	return [][2]string{
		{"CPU", fmt.Sprintf("%s, %d cores", m.CPU, m.Cores)},
		{"Memory", fmt.Sprintf("%.1f GiB", float64(m.MemoryMiB)/1024)},
		{"Kernel", m.Kernel},
		{"Engine", m.Engine},
		{"Storage", m.Storage},
		{"docker CLI", m.DockerCLI},
		{"Go", m.GoVersion},
		{"acb", m.ACBVersion},
	}
}

// DescribeMachine collects the machine description. Missing pieces are left
// as "unknown" rather than failing the run.
func DescribeMachine(ctx context.Context, cli *client.Client, goBin, acbBin string) Machine {
	m := Machine{
		CPU: "unknown", Cores: runtime.NumCPU(), Kernel: "unknown",
		Engine: "unknown", Storage: "unknown", DockerCLI: "unknown", GoVersion: "unknown", ACBVersion: "unknown",
	}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		kb, _ := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
		m.MemoryMiB = kb / 1024
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if v, err := cli.ServerVersion(ctx, client.ServerVersionOptions{}); err == nil {
		m.Engine = fmt.Sprintf("Docker Engine %s (server API %s; clients negotiate %s)", v.Version, v.APIVersion, cli.ClientVersion())
	}
	if info, err := cli.Info(ctx, client.InfoOptions{}); err == nil {
		i := info.Info
		m.Storage = fmt.Sprintf("%s; cgroup driver %s, cgroup v%s; %s", i.Driver, i.CgroupDriver, i.CgroupVersion, i.OperatingSystem)
	}
	if out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Client.Version}}").Output(); err == nil {
		m.DockerCLI = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, goBin, "version").Output(); err == nil {
		m.GoVersion = strings.TrimPrefix(strings.TrimSpace(string(out)), "go version ")
	}
	if out, err := exec.CommandContext(ctx, acbBin, "version").Output(); err == nil {
		m.ACBVersion = strings.Join(strings.Fields(string(out)), " ")
	}
	return m
}

// procField returns the value of the first "key : value" line of a /proc
// file, or "".
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// LoadAverage returns the first three fields of /proc/loadavg, or
// "unknown".
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// Load1 returns the 1-minute load average, or -1.
func Load1() float64 {
	f := strings.Fields(LoadAverage())
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}
