//go:build tools

// Package deps pins the modules the provider packages and their tests share,
// so parallel work on several packages never races to edit go.mod.
package deps

import (
	_ "github.com/jarcoal/httpmock"
	_ "github.com/shopspring/decimal"
	_ "github.com/stretchr/testify/require"
)
