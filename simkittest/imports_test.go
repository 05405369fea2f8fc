package simkittest

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fakes follow the providers' rules, never the client's: importing the
// client's validators or decoders would make a wrong client rule wrong on
// both sides of every test.
func TestFakesDoNotImportTheClientsInternals(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, client := range []string{"internal/validate", "internal/jsonx", "internal/transport", "internal/apierror"} {
				require.NotEqual(t, "github.com/simkit/simkit/"+client, path, "%s imports the client's %s", f, client)
			}
		}
	}
}
