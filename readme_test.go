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
	"json": "encoding/json", "url": "net/url",
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

// readmeRun says how the README block containing marker is run against
// the fakes: setup and verify are Go statements run before and after it in
// a test that has t, ctx and env (a *simkittest.Env) in scope; skip, when
// set, says why the block is only compiled.
type readmeRun struct {
	marker, setup, verify, skip string
}

// readmeRuns covers the README's blocks that need more than the fakes and
// the environment every block gets (the variables a block reads point at
// the fakes). Every other statement block runs as it is, and must return
// nil; top-level Test functions run as tests.
var readmeRuns = []readmeRun{
	{marker: `ExternalID: "cart-42",
	Item:       partner.OrderItemParams{SKUID: "019bc0dd`,
		verify: `require.Len(t, env.Partner.Orders(), 1, "the order was placed")`},
	{marker: `Product: "telegram", MaxPrice: decimal.NewFromInt(12)`,
		verify: `ids := env.SMS.OrderIDs()
	require.Len(t, ids, 1, "one number bought")
	st, err := env.SMS.OrderStatus(ids[0])
	require.NoError(t, err)
	require.Equal(t, simkittest.SMSFinished, st, "the code came and the order was finished")`},
	{marker: `c.Partner.AllProducts(ctx`},
	{marker: `c.SMS.WaitForCode(ctx, 11631253`,
		setup: `o, err := env.Client.SMS.BuyActivation(ctx, smsnumbers.BuyActivationParams{Country: "russia", Operator: smsnumbers.Any, Product: "vkontakte"})
	require.NoError(t, err)
	require.EqualValues(t, 11631253, o.ID, "the README's order id is the fake's first")`},
	{marker: `redisstore.NewStreamQueue(rdb, "webhooks")`,
		skip: "needs a Redis server and calls no provider; contrib/redisstore's inbox tests run this flow"},
}

// TestReadmeGoBlocksRunAgainstTheFakes extracts every ```go block of
// README.md, wraps it and runs it in a scratch module against the fakes,
// so the README can neither promise an API that does not exist nor show a
// program that fails: each block that calls a provider must succeed, and
// readmeRuns checks what it did there.
func TestReadmeGoBlocksRunAgainstTheFakes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a scratch module")
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

	used := map[string]bool{}
	var tests strings.Builder
	for i, b := range blocks {
		name := fmt.Sprintf("block%02d.go", i)
		if topLevel.MatchString(b) {
			if strings.Contains(b, "func Test") {
				name = fmt.Sprintf("block%02d_test.go", i) // runs as a test
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(wrapBlock(i, b)), 0o644))
			continue
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(wrapBlock(i, b)), 0o644))
		var run readmeRun
		for _, r := range readmeRuns {
			if strings.Contains(b, r.marker) {
				run = r
				used[r.marker] = true
			}
		}
		body := fmt.Sprintf("\trequire.NoError(t, readmeBlock%d(ctx, env.Client))\n", i)
		if run.skip != "" {
			body = fmt.Sprintf("\tt.Skip(%q)\n", run.skip)
		}
		fmt.Fprintf(&tests, "\nfunc TestReadmeBlock%02d(t *testing.T) {\n\tenv, ctx := readmeEnv(t)\n\t_, _ = env, ctx\n\t%s\n%s\t%s\n}\n", i, run.setup, body, run.verify)
	}
	for _, r := range readmeRuns {
		require.True(t, used[r.marker], "no README block contains %q any more: update readmeRuns", r.marker)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "run_test.go"), []byte(readmeRunHeader+tests.String()), 0o644))

	cmd := exec.Command("go", "test", "-count=1", "-v", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "README.md Go blocks do not build or run against the fakes (files in %s):\n%s", dir, out)
}

// readmeRunHeader starts the scratch module's test file: every block runs
// with fresh fakes, the variables README blocks read pointing at them, an
// SMS fake that delivers a code as soon as a number is bought, and a fresh
// http.DefaultServeMux. TestMain points the SIMKIT_* variables at fakes of
// its own and records, for the README's contract test.
const readmeRunHeader = `package readme

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

var _ = smsnumbers.Any

func TestMain(m *testing.M) {
	env, err := simkittest.Start()
	if err != nil {
		panic(err)
	}
	c := env.Config
	for k, v := range map[string]string{
		"SIMKIT_PARTNER_BASE_URL": c.PartnerURL, "SIMKIT_PARTNER_TOKEN": c.PartnerToken, "SIMKIT_PARTNER_SECRET": c.PartnerSecret,
		simkittest.RecordEnv: "1",
	} {
		os.Setenv(k, v)
	}
	code := m.Run()
	env.Close()
	os.Exit(code)
}

func readmeEnv(t *testing.T) (*simkittest.Env, context.Context) {
	env := simkittest.New(t, func(c *simkittest.Config) { c.SMS.DeliverAfter = time.Nanosecond })
	c := env.Config
	for k, v := range map[string]string{
		"PARTNER_BASE_URL": c.PartnerURL, "PARTNER_TOKEN": c.PartnerToken, "PARTNER_SECRET": c.PartnerSecret,
		"SMS_TOKEN": c.SMSToken, "ESIM_HOOK_TOKEN": "hook-token", "REDIS_ADDR": "127.0.0.1:1",
	} {
		t.Setenv(k, v)
	}
	http.DefaultServeMux = http.NewServeMux()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return env, ctx
}
`
