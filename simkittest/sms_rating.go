package simkittest

import (
	"time"
)

// SMSRatingBlock is how long the SMS fake refuses orders once the rating
// reaches 0, as the API's rating rules say; after it the rating returns
// to the starting 96.
const SMSRatingBlock = 24 * time.Hour

// smsExt holds the fake's state for price limits, the rating lockout and
// scheduled SMS.
type smsExt struct {
	maxPrices    map[string]*smsMaxPrice
	nextMaxPrice int64
	// blockedUntil is when a rating that reached 0 returns to 96 (zero:
	// not blocked).
	blockedUntil time.Time
	scheduled    []smsScheduled
	// dropped counts scheduled SMS that came after their order closed.
	dropped int
	// reuseKeepsSMS makes a re-bought number show the SMS it received
	// before.
	reuseKeepsSMS bool
}

// smsScheduled is an SMS set to arrive at a time of the fake clock.
type smsScheduled struct {
	order      int64
	at         time.Time
	text, code string
}

// ratingBlocked reports whether orders are refused for the rating: it is 0,
// or it reached 0 less than SMSRatingBlock ago. Once the block is over the
// rating is back to 96.
func (f *SMSFake) ratingBlocked() bool {
	now := f.cfg.Now()
	if !f.ext.blockedUntil.IsZero() {
		if now.Before(f.ext.blockedUntil) {
			return true
		}
		f.ext.blockedUntil = time.Time{}
		f.rating = smsRatingMax
		return false
	}
	if !f.rating.IsPositive() {
		f.ext.blockedUntil = now.Add(SMSRatingBlock)
		return true
	}
	return false
}

// noteRating starts the 24-hour block the moment the rating reaches 0.
func (f *SMSFake) noteRating() {
	if !f.rating.IsPositive() && f.ext.blockedUntil.IsZero() {
		f.ext.blockedUntil = f.cfg.Now().Add(SMSRatingBlock)
	}
}

// RatingBlockedUntil returns when the rating lockout ends (zero when orders
// are not blocked).
func (f *SMSFake) RatingBlockedUntil() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ratingBlocked() {
		return f.ext.blockedUntil
	}
	return time.Time{}
}

// ScheduleSMS makes an SMS arrive for the order after d on the fake clock,
// like a service that sends its code late. The SMS is delivered at the
// first request the fake serves once the clock has passed that time, if the
// order is still open then; if the order was canceled, banned, finished or
// timed out first, the SMS is dropped, as the real API ignores messages
// for closed orders (see DroppedSMS).
func (f *SMSFake) ScheduleSMS(orderID int64, d time.Duration, text, code string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.find(orderID) == nil {
		return ErrSMSOrderNotFound
	}
	f.ext.scheduled = append(f.ext.scheduled, smsScheduled{order: orderID, at: f.cfg.Now().Add(d), text: text, code: code})
	return nil
}

// DroppedSMS returns how many scheduled SMS arrived after their order had
// closed and were ignored.
func (f *SMSFake) DroppedSMS() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deliverDue()
	return f.ext.dropped
}

// SetReuseKeepsSMS makes a re-bought number (GET /v1/user/reuse) show the
// SMS it received under its earlier orders, so a test can check that a
// client never takes an old code for the new one.
func (f *SMSFake) SetReuseKeepsSMS(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ext.reuseKeepsSMS = on
}

// carrySMS copies the SMS of the number's earlier orders onto a re-bought
// order, when SetReuseKeepsSMS asked for it.
func (f *SMSFake) carrySMS(o *smsOrder) {
	if !f.ext.reuseKeepsSMS {
		return
	}
	for _, prev := range f.orders {
		if prev != o && prev.phone == o.phone && prev.product == o.product {
			o.sms = append(o.sms, prev.sms[prev.carried:]...)
		}
	}
	o.carried = len(o.sms)
}

// deliverDue delivers every scheduled SMS whose time has come, or drops it
// when its order closed before that time.
func (f *SMSFake) deliverDue() {
	if len(f.ext.scheduled) == 0 {
		return
	}
	now := f.cfg.Now()
	keep := f.ext.scheduled[:0]
	for _, s := range f.ext.scheduled {
		if now.Before(s.at) {
			keep = append(keep, s)
			continue
		}
		var o *smsOrder
		for _, x := range f.orders {
			if x.id == s.order {
				o = x
			}
		}
		if o == nil {
			continue
		}
		// The order may have expired before the SMS time: apply that first.
		f.expireAt(o, s.at)
		if o.status != SMSPending && o.status != SMSReceived {
			f.ext.dropped++
			continue
		}
		f.deliver(o, s.at, o.product, s.text, s.code)
	}
	f.ext.scheduled = keep
}

// expireAt ends the order if its lifetime was over at t.
func (f *SMSFake) expireAt(o *smsOrder, t time.Time) {
	if t.Before(o.expires) {
		return
	}
	f.advance(o)
}
