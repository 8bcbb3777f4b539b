package harness

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A test that runs a build output (the plugin binary, the simulator's dist/) must run what the
// sources say today: an output older than a source it is built from is refused, with the command
// that rebuilds it (docs/contracts.md §6).

// checkFresh returns an error when output is missing or older than the newest of sources.
func checkFresh(output string, sources []string, rebuild string) error {
	out, err := os.Stat(output)
	if err != nil {
		return fmt.Errorf("%s is not built: run `%s` first", output, rebuild)
	}
	if len(sources) == 0 {
		return fmt.Errorf("no sources found for %s", output)
	}
	var newest string
	var newestAt time.Time
	for _, s := range sources {
		st, err := os.Stat(s)
		if err != nil {
			return fmt.Errorf("source %s of %s: %w", s, output, err)
		}
		if st.ModTime().After(newestAt) {
			newest, newestAt = s, st.ModTime()
		}
	}
	if newestAt.After(out.ModTime()) {
		return fmt.Errorf("%s (built %s) is older than its source %s (changed %s): run `%s` first",
			output, out.ModTime().Format(time.RFC3339), newest, newestAt.Format(time.RFC3339), rebuild)
	}
	return nil
}

// binarySources lists the files the plugin binary is built from: the Go and embedded files of
// every package of this module that ./pkg imports (same build tags as `npm run build:backend`),
// plus go.mod and go.sum. Test files and test-only packages are not among them.
func binarySources() ([]string, error) {
	root := PluginRoot()
	cmd := exec.Command("go", "list", "-tags", "arrow_json_stdlib", "-deps",
		"-f", `{{if .Module}}{{if .Module.Main}}{{.Dir}}|{{join .GoFiles ","}}|{{join .EmbedFiles ","}}{{end}}{{end}}`, "./pkg")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list ./pkg (to find the plugin's sources): %w", err)
	}
	files := []string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(line, "|")
		if len(parts) != 3 {
			continue
		}
		for _, list := range parts[1:] {
			for _, f := range strings.Split(list, ",") {
				if f != "" {
					files = append(files, filepath.Join(parts[0], f))
				}
			}
		}
	}
	return files, nil
}

// simulatorSources lists the simulator's TypeScript sources and its package/tsconfig files.
func simulatorSources() ([]string, error) {
	dir := filepath.Join(PluginRoot(), "..", "simulator")
	files := []string{}
	for _, f := range []string{"package.json", "tsconfig.json", "tsconfig.build.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			files = append(files, filepath.Join(dir, f))
		}
	}
	err := filepath.WalkDir(filepath.Join(dir, "src"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".ts") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

var (
	freshOnce sync.Map // output path -> func() error (checked once per test process)
)

// requireFresh checks output against its sources once per process.
func requireFresh(output string, sources func() ([]string, error), rebuild string) error {
	f, _ := freshOnce.LoadOrStore(output, sync.OnceValue(func() error {
		src, err := sources()
		if err != nil {
			return err
		}
		return checkFresh(output, src, rebuild)
	}))
	return f.(func() error)()
}
