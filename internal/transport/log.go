package transport

import (
	"fmt"
	"log/slog"
)

// restyLogger routes resty's own printf-style messages into slog, so nothing
// reaches stderr behind the user's back.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Error("resty: " + fmt.Sprintf(format, v...))
}

func (r restyLogger) Warnf(format string, v ...any) {
	r.l.Warn("resty: " + fmt.Sprintf(format, v...))
}

func (r restyLogger) Debugf(format string, v ...any) {
	r.l.Debug("resty: " + fmt.Sprintf(format, v...))
}

// answerAttrs appends to attrs what an answer told us: its status, and its
// request id when it had one. A retry after a transport error had no
// answer, so it logs neither (a status=0 would read as if one came).
func answerAttrs(resp *Response, attrs ...slog.Attr) []slog.Attr {
	if resp == nil {
		return attrs
	}
	attrs = append(attrs, slog.Int("status", resp.StatusCode))
	if resp.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", resp.RequestID))
	}
	return attrs
}
