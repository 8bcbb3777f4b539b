package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheckFresh(t *testing.T) {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name    string
		output  time.Duration // offset from base; negative = missing
		sources []time.Duration
		want    string // "" = fresh; else a fragment of the error
	}{
		{"output newer than every source", 10 * time.Second, []time.Duration{0, 5 * time.Second}, ""},
		{"output as new as its newest source", 5 * time.Second, []time.Duration{0, 5 * time.Second}, ""},
		{"one source changed after the build", 5 * time.Second, []time.Duration{0, 6 * time.Second}, "is older than its source "},
		{"every source changed after the build", 0, []time.Duration{time.Second, 2 * time.Second}, "is older than its source "},
		{"output missing", -1, []time.Duration{0}, "is not built"},
		{"no sources", 10 * time.Second, nil, "no sources found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			touch := func(name string, off time.Duration) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(p, base.Add(off), base.Add(off)); err != nil {
					t.Fatal(err)
				}
				return p
			}
			out := filepath.Join(dir, "out")
			if c.output >= 0 {
				touch("out", c.output)
			}
			var src []string
			for i, off := range c.sources {
				src = append(src, touch("s"+string(rune('0'+i))+".go", off))
			}
			err := checkFresh(out, src, "make it")
			if c.want == "" {
				if err != nil {
					t.Fatalf("want fresh, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error with %q, got %v", c.want, err)
			}
			// The newest source is named.
			if strings.Contains(c.want, "older") && !strings.HasSuffix(strings.SplitN(err.Error(), " (changed", 2)[0], "s1.go") {
				t.Fatalf("the error names the newest source: %v", err)
			}
			if c.output >= 0 && len(c.sources) > 0 && !strings.Contains(err.Error(), "run `make it` first") {
				t.Fatalf("the error names the rebuild command: %v", err)
			}
		})
	}
}

func TestCheckFreshMissingSource(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkFresh(out, []string{filepath.Join(dir, "gone.go")}, "x"); err == nil {
		t.Fatal("a source that cannot be read must not count as fresh")
	}
}

// The plugin binary's sources are exactly the non-test files of the packages ./pkg is built from.
func TestBinarySources(t *testing.T) {
	files, err := binarySources()
	if err != nil {
		t.Fatal(err)
	}
	root := PluginRoot()
	has := map[string]bool{}
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		has[filepath.ToSlash(rel)] = true
		if strings.HasSuffix(f, "_test.go") {
			t.Errorf("a test file is not a source of the binary: %s", rel)
		}
		if strings.Contains(filepath.ToSlash(rel), "pkg/internal/harness/") {
			t.Errorf("the harness is not part of the binary: %s", rel)
		}
	}
	for _, want := range []string{"go.mod", "go.sum", "pkg/main.go"} {
		if !has[want] {
			t.Errorf("%s is a source of the binary; got %d files", want, len(files))
		}
	}
	// A package the binary imports (pkg/plugin) is included, file by file.
	n := 0
	for f := range has {
		if strings.HasPrefix(f, "pkg/plugin/") && strings.HasSuffix(f, ".go") {
			n++
		}
	}
	if n == 0 {
		t.Error("no file of pkg/plugin among the sources")
	}
}

func TestSimulatorSources(t *testing.T) {
	files, err := simulatorSources()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range files {
		if strings.HasSuffix(filepath.ToSlash(f), "simulator/src/cli.ts") {
			found = true
		}
		if !strings.HasSuffix(f, ".ts") && !strings.HasSuffix(f, ".json") {
			t.Errorf("not a simulator source: %s", f)
		}
	}
	if !found {
		t.Errorf("simulator/src/cli.ts missing from %d files", len(files))
	}
}

// StartPlugin refuses a binary older than a source, and says how to rebuild it.
func TestStartRefusesStaleOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bin")
	src := filepath.Join(dir, "a.go")
	for _, p := range []string{out, src} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(out, old, old); err != nil {
		t.Fatal(err)
	}
	err := requireFresh(out, func() ([]string, error) { return []string{src}, nil }, "rebuild it")
	if err == nil || !strings.Contains(err.Error(), "rebuild it") {
		t.Fatalf("want a refusal naming the rebuild, got %v", err)
	}
}
