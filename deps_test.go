package simkit_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOneProviderPullsInNoOther: a program that uses one provider package
// and the error package builds without the other providers (and without
// the root, which imports all four).
func TestOneProviderPullsInNoOther(t *testing.T) {
	providers := []string{"partner", "smsnumbers", "esimstory", "topups"}
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "./"+p, "./apierror").CombinedOutput()
			require.NoError(t, err, "%s", out)
			deps := strings.Fields(string(out))
			require.NotContains(t, deps, "github.com/simkit/simkit", "the root imports every provider")
			for _, other := range providers {
				if other != p {
					require.NotContains(t, deps, "github.com/simkit/simkit/"+other)
				}
			}
		})
	}
}
