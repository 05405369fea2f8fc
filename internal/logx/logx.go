// Package logx holds the one logger simkit uses when the user gives none.
package logx

import (
	"context"
	"log/slog"
)

// Discard returns a logger that drops every record, for a nil Logger
// option. slog.DiscardHandler would do, but needs Go 1.24, newer than
// simkit's minimum.
func Discard() *slog.Logger { return slog.New(discard{}) }

// Or returns l, or a logger that drops everything when l is nil.
func Or(l *slog.Logger) *slog.Logger {
	if l == nil {
		return Discard()
	}
	return l
}

type discard struct{}

func (discard) Enabled(context.Context, slog.Level) bool  { return false }
func (discard) Handle(context.Context, slog.Record) error { return nil }
func (d discard) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discard) WithGroup(string) slog.Handler           { return d }
