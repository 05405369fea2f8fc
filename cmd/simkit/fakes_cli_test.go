package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFakesHelpPrintedOnce(t *testing.T) {
	for _, args := range [][]string{{"fakes", "--help"}, {"fakes", "-h"}, {"fakes", "trigger", "--help"}} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run(context.Background(), args, &stdout, &stderr, mapLookup(nil)), "%v", args)
		require.Equal(t, 1, strings.Count(stdout.String(), "Usage:"), "%v: %s", args, stdout.String())
		require.Empty(t, stderr.String(), "%v", args)
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitUsage, run(context.Background(), []string{"fakes", "--nope"}, &stdout, &stderr, mapLookup(nil)))
	require.Equal(t, 1, strings.Count(stderr.String(), "Usage:"), stderr.String())
}

func TestFakesTriggerUsage(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		env    map[string]string
		stderr string
	}{
		{[]string{"fakes", "trigger"}, nil, "want <provider> <event>"},
		{[]string{"fakes", "trigger", "partner", "order.status_changed"}, map[string]string{}, "no admin URL"},
		{[]string{"fakes", "trigger", "partner", "order.status_changed", "--ca-file", "/nonexistent"}, map[string]string{"SIMKIT_FAKES_ADMIN_URL": "https://127.0.0.1:1"}, "--ca-file"},
		{[]string{"fakes", "--admin-addr", "127.0.0.1:0", "--admin-port", "9"}, nil, "exclusive"},
	} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitUsage, run(context.Background(), tc.args, &stdout, &stderr, mapLookup(tc.env)), "%v: %s", tc.args, stderr.String())
		require.Contains(t, stderr.String(), tc.stderr)
	}
}
