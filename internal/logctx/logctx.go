// Package logctx carries log attributes in a context.Context, so that every
// line logged about a job, by whichever package, names it: the worker puts
// task_id in the job's context with With, and the process's slog handler,
// wrapped by Handler, adds it to every record logged with that context
// (slog's ...Context methods).
package logctx

import (
	"context"
	"log/slog"
	"time"
)

type key struct{}

// With returns ctx carrying args (slog key, value pairs or Attrs) beside
// those it already carries.
func With(ctx context.Context, args ...any) context.Context {
	prev := Attrs(ctx)
	r := slog.NewRecord(time.Time{}, 0, "", 0) // only to parse args as slog does
	r.Add(args...)
	attrs := append([]slog.Attr(nil), prev...)
	r.Attrs(func(a slog.Attr) bool { attrs = append(attrs, a); return true })
	return context.WithValue(ctx, key{}, attrs)
}

// Attrs returns the attributes that ctx carries.
func Attrs(ctx context.Context) []slog.Attr {
	a, _ := ctx.Value(key{}).([]slog.Attr)
	return a
}

// Handler returns a handler that adds the attributes of each record's
// context to it before passing it to h.
func Handler(h slog.Handler) slog.Handler { return handler{h} }

type handler struct{ slog.Handler }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	if attrs := Attrs(ctx); len(attrs) > 0 {
		r = r.Clone()
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return handler{h.Handler.WithAttrs(attrs)}
}

func (h handler) WithGroup(name string) slog.Handler { return handler{h.Handler.WithGroup(name)} }
