package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit"
	"github.com/simkit/simkit/simkittest"
)

func lookupMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestExampleAgainstFake(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, realMain(&out, &errb, lookupMap(nil)), errb.String())
	s := out.String()
	for _, want := range []string{"using the simkittest fake", "refused before sending", "refused with ErrConflict"} {
		require.Contains(t, s, want)
	}
	require.Equal(t, 2, strings.Count(s, "webhook: unit "), "one delivery per unit through the handler")
	require.Equal(t, 2, strings.Count(s, ": LPA ****"), "the tracker returned both eSIMs")
	require.NotContains(t, s, "LPA:1$", "LPA codes are masked")
	require.NotRegexp(t, `\b89\d{15,20}\b`, s, "ICCIDs are masked")
}

func TestExampleRealModeReadOnly(t *testing.T) {
	env := simkittest.New(t)
	var out, errb bytes.Buffer
	code := realMain(&out, &errb, lookupMap(map[string]string{
		simkit.EnvESIMStoryBaseURL: env.Config.ESIMStoryURL, simkit.EnvESIMStoryAccessKey: env.Config.ESIMStoryAccessKey,
		simkit.EnvESIMStorySecretKey: env.Config.ESIMStorySecretKey, "SIMKIT_QUICKSTART_ESIMSTORY_OPTION": simkittest.ESIMStoryOptionA,
	}))
	require.Equal(t, 0, code, errb.String())
	require.Contains(t, out.String(), "order: skipped")
	require.Zero(t, env.ESIMStory.OrderCount(), "no money spent without SIMKIT_QUICKSTART_BUY=1")
}

func TestExampleRealModeBuy(t *testing.T) {
	env := simkittest.New(t)
	var out, errb bytes.Buffer
	code := realMain(&out, &errb, lookupMap(map[string]string{
		simkit.EnvESIMStoryBaseURL: env.Config.ESIMStoryURL, simkit.EnvESIMStoryAccessKey: env.Config.ESIMStoryAccessKey,
		simkit.EnvESIMStorySecretKey: env.Config.ESIMStorySecretKey, "SIMKIT_QUICKSTART_ESIMSTORY_OPTION": simkittest.ESIMStoryOptionB,
		"SIMKIT_QUICKSTART_BUY": "1",
	}))
	require.Equal(t, 0, code, errb.String())
	require.Contains(t, out.String(), "the eSIMs arrive at your webhook URL")
	require.Equal(t, 1, env.ESIMStory.OrderCount(), "the duplicate id bought nothing")
}

func TestExampleUnknownOption(t *testing.T) {
	env := simkittest.New(t)
	var out, errb bytes.Buffer
	code := realMain(&out, &errb, lookupMap(map[string]string{
		simkit.EnvESIMStoryBaseURL: env.Config.ESIMStoryURL, simkit.EnvESIMStoryAccessKey: env.Config.ESIMStoryAccessKey,
		simkit.EnvESIMStorySecretKey: env.Config.ESIMStorySecretKey, "SIMKIT_QUICKSTART_ESIMSTORY_OPTION": "00000000-0000-0000-0000-000000000000",
		"SIMKIT_QUICKSTART_BUY": "1",
	}))
	require.Equal(t, 1, code)
	require.Contains(t, errb.String(), "esimstory example: FAILED: option 00000000-0000-0000-0000-000000000000 does not exist")
}

// TestExampleRealModeSettlesLostAnswers: the order's answer is lost on the
// way; the program still ends with exactly one order and says how.
func TestExampleRealModeSettlesLostAnswers(t *testing.T) {
	const route = simkittest.ESIMStoryPrefix + "/v1/api_partner/orders"
	tests := []struct {
		name   string
		faults []simkittest.Fault
		want   []string
	}{
		{"answer dropped, retry recovers it", []simkittest.Fault{
			{Provider: simkittest.ProviderESIMStory, Path: route, Kind: simkittest.DropAfterHandling, Times: 1},
		}, []string{"recovered, 2 units"}},
		{"answer dropped, then refused: call again", []simkittest.Fault{
			{Provider: simkittest.ProviderESIMStory, Path: route, Kind: simkittest.DropAfterHandling, Times: 1},
			{Provider: simkittest.ProviderESIMStory, Path: route, Kind: simkittest.Status, Status: 401, Times: 1,
				Body: `{"error":{"code":"unauthorized","message":"Request timestamp is too old or invalid."}}`},
		}, []string{"outcome open", "calling again with the same id", "recovered, 2 units"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := simkittest.New(t)
			for _, f := range tt.faults {
				env.Faults.Add(f)
			}
			var out, errb bytes.Buffer
			code := realMain(&out, &errb, lookupMap(map[string]string{
				simkit.EnvESIMStoryBaseURL: env.Config.ESIMStoryURL, simkit.EnvESIMStoryAccessKey: env.Config.ESIMStoryAccessKey,
				simkit.EnvESIMStorySecretKey: env.Config.ESIMStorySecretKey, "SIMKIT_QUICKSTART_ESIMSTORY_OPTION": simkittest.ESIMStoryOptionA,
				"SIMKIT_QUICKSTART_BUY": "1",
			}))
			require.Equal(t, 0, code, errb.String())
			for _, w := range tt.want {
				require.Contains(t, out.String(), w)
			}
			require.Equal(t, 1, env.ESIMStory.OrderCount(), "one order, whatever was lost")
		})
	}
}
