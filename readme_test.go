package simkit_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readmeImports maps the package names README blocks may use to their import
// paths; a block gets the imports whose names it uses.
var readmeImports = map[string]string{
	"context": "context", "errors": "errors", "fmt": "fmt", "slog": "log/slog",
	"http": "net/http", "os": "os", "time": "time", "testing": "testing", "iter": "iter",
	"require":    "github.com/stretchr/testify/require",
	"decimal":    "github.com/shopspring/decimal",
	"simkit":     "github.com/simkit/simkit",
	"apierror":   "github.com/simkit/simkit/apierror",
	"partner":    "github.com/simkit/simkit/partner",
	"smsnumbers": "github.com/simkit/simkit/smsnumbers",
	"esimstory":  "github.com/simkit/simkit/esimstory",
	"topups":     "github.com/simkit/simkit/topups",
	"signing":    "github.com/simkit/simkit/signing",
	"option":     "github.com/simkit/simkit/option",
	"retry":      "github.com/simkit/simkit/retry",
	"store":      "github.com/simkit/simkit/store",
	"page":       "github.com/simkit/simkit/page",
	"observe":    "github.com/simkit/simkit/observe",
	"reconcile":  "github.com/simkit/simkit/reconcile",
	"webhook":    "github.com/simkit/simkit/webhook",
	"inbox":      "github.com/simkit/simkit/inbox",
	"simkittest": "github.com/simkit/simkit/simkittest",
	"redis":      "github.com/redis/go-redis/v9",
	"redisstore": "github.com/simkit/simkit/contrib/redisstore",
	"simkitotel": "github.com/simkit/simkit/contrib/otel",
}

var topLevel = regexp.MustCompile(`(?m)^(func|type|var|const) `)

// readmeBlocks returns the bodies of README.md's ```go blocks.
func readmeBlocks(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("README.md")
	require.NoError(t, err)
	defer f.Close()
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "README.md has an unclosed ```go block")
	return blocks
}

// wrapBlock turns block n into a Go file: top-level declarations stay as
// they are; statements go into a function that has ctx and a client c in
// scope, as README's prose assumes.
func wrapBlock(n int, block string) string {
	body := block
	if !topLevel.MatchString(block) {
		body = fmt.Sprintf("func readmeBlock%d(ctx context.Context, c *simkit.Client) error {\n\t_, _ = ctx, c\n%s\treturn nil\n}\n", n, block)
	}
	var imports []string
	for name, path := range readmeImports {
		if regexp.MustCompile(`\b` + name + `\.`).MatchString(body) {
			imports = append(imports, fmt.Sprintf("%s %q", name, path))
		}
	}
	sort.Strings(imports)
	return fmt.Sprintf("// Code extracted from README.md block %d.\n\npackage readme\n\nimport (\n\t%s\n)\n\n%s", n, strings.Join(imports, "\n\t"), body)
}

// TestReadmeGoBlocksCompile extracts every ```go block of README.md, wraps
// it and builds it against this checkout, so the README cannot promise an
// API that does not exist.
func TestReadmeGoBlocksCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a scratch module")
	}
	blocks := readmeBlocks(t)
	require.NotEmpty(t, blocks)
	root, err := filepath.Abs(".")
	require.NoError(t, err)
	dir := t.TempDir()

	gomod := "module readme\n\ngo 1.23.0\n\nrequire github.com/simkit/simkit v0.0.0\n\nreplace github.com/simkit/simkit => " + root + "\n"
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	mods, _ := filepath.Glob(filepath.Join(root, "contrib", "*", "go.mod"))
	for _, m := range mods {
		modDir := filepath.Dir(m)
		gomod += "replace github.com/simkit/simkit/contrib/" + filepath.Base(modDir) + " => " + modDir + "\n"
		gomod += "require github.com/simkit/simkit/contrib/" + filepath.Base(modDir) + " v0.0.0\n"
		if s, err := os.ReadFile(filepath.Join(modDir, "go.sum")); err == nil {
			sums = append(sums, s...)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), sums, 0o644))
	for i, b := range blocks {
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("block%02d.go", i)), []byte(wrapBlock(i, b)), 0o644))
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "README.md Go blocks do not build (files in %s):\n%s", dir, out)
}
