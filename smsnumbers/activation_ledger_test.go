package smsnumbers_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/simkittest"
	"github.com/simkit/simkit/smsnumbers"
)

// TestActivationJournalIsTheLedgers: each journal entry names its buy's
// ledger entry, and what became of the activation (finished, canceled) is
// written there, so the ledger is the one record of every buy.
func TestActivationJournalIsTheLedgers(t *testing.T) {
	ctx := context.Background()
	e := newActEnv(t, simkittest.SMSFakeConfig{Rating: dec("90")})
	c := e.client(t)
	m := c.Activations(func(o *smsnumbers.ActivationsOptions) { o.PollInterval = time.Millisecond; o.Lease = time.Minute })

	used, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: time.Minute})
	require.NoError(t, err)
	unused, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: time.Minute})
	require.NoError(t, err)

	entryOf := func(a *smsnumbers.Activation) *ledger.Entry {
		t.Helper()
		j, err := m.Journal(ctx, a.ID())
		require.NoError(t, err)
		require.NotEmpty(t, j.Entry, "the journal names the buy's ledger entry")
		le, ok, err := c.Ledger().Get(ctx, j.Entry)
		require.NoError(t, err)
		require.True(t, ok)
		return le
	}
	require.Equal(t, ledger.StateDone, entryOf(used).State)

	require.NoError(t, e.fake.DeliverSMS(used.ID(), "VK: 4242", "4242"))
	_, err = used.WaitForCode(ctx)
	require.NoError(t, err)
	require.NoError(t, used.Finish(ctx))
	require.NoError(t, unused.Cancel(ctx))

	require.Equal(t, ledger.StateDelivered, entryOf(used).State)
	require.Equal(t, ledger.StateRefunded, entryOf(unused).State)
}

// TestActivationJournalNamesItsBuyWithoutListing: the buy tells the
// journal which ledger entry it wrote, so the journal names it even on a
// Store that cannot list the ledger, and no activation walks the account's
// other buys to find its own (a walk that grows with every buy of the last
// minutes, per buy).
func TestActivationJournalNamesItsBuyWithoutListing(t *testing.T) {
	ctx := context.Background()
	e := newActEnv(t, simkittest.SMSFakeConfig{Rating: dec("90")})
	c, err := smsnumbers.New(func(o *smsnumbers.Options) {
		o.BaseURL, o.Token, o.Limiter, o.Now = e.srv.URL, signing.NewSecret(actToken), option.NoLimit, e.clock.Now
		o.Store = noIndex{e.store}
	})
	require.NoError(t, err)
	require.False(t, c.Ledger().CanList())
	m := c.Activations(func(o *smsnumbers.ActivationsOptions) { o.PollInterval = time.Millisecond; o.Lease = time.Minute })

	a, err := m.Activate(ctx, smsnumbers.ActivateParams{Buy: vk, Deadline: time.Minute})
	require.NoError(t, err)
	j, err := m.Journal(ctx, a.ID())
	require.NoError(t, err)
	require.NotEmpty(t, j.Entry, "the journal names the buy's ledger entry")
	le, ok, err := c.Ledger().Get(ctx, j.Entry)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, ledger.StateDone, le.State)
	require.Contains(t, le.ProviderIDs, strconv.FormatInt(a.ID(), 10))
}
