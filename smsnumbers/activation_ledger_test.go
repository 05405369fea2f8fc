package smsnumbers_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/ledger"
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
