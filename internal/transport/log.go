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
