package redisstore

import (
	"context"
	"log/slog"
)

// discardHandler drops every record; slog.DiscardHandler needs Go 1.24 and
// this module keeps the core's go 1.23 floor.
type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }
