/* sr-rewards-section.c — the Wallet page's "Seeding rewards" section (see
 * sr-rewards-section.h). Estimates and claims run through SrRewards; a
 * claim's transactions go through the application's SrTxManager, and each
 * is signed only after the user confirmed the wallet agent's summary of it
 * (its maximum fee) in a dialog. A desktop notification says what was
 * collected. */

#include "config.h"

#include <glib/gi18n.h>

#include "chain/sr-registry.h"
#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "market/sr-catalog-title.h"
#include "market/sr-rewards.h"
#include "store/sr-store-receipts.h"

#include "sr-rewards-section.h"

struct _SrRewardsSection
{
  AdwBin parent_instance;

  GtkButton *collect_button;
  GtkLabel *pending_label;
  GtkLabel *receipts_label;
  AdwExpanderRow *collected_row;

  SrApplication *application;
  char *address;
  GCancellable *cancellable;
  GWeakRef seeding;            /* whose new receipts refresh the figures */
  GPtrArray *history_rows;     /* rows added to collected_row */
  guint n_claimable;
  char *pending;               /* base units */
  gboolean collecting;

  /* The transaction waiting for the user's word. */
  GTask *pending_task;
  GVariant *pending_tx;
  char *pending_token;
};

G_DEFINE_FINAL_TYPE (SrRewardsSection, sr_rewards_section, ADW_TYPE_BIN)

static char *
seed_text (const char *base_units)
{
  g_autofree char *units = sr_catalog_format_units (base_units != NULL ? base_units : "0", 18);

  /* TRANSLATORS: an amount of the SEED token, e.g. "1.5 SEED" */
  return g_strdup_printf (_("%s SEED"), units);
}

/* The registry of the application's network, and its key in the store. */
static SrRegistry *
open_registry (SrRewardsSection *self, char **network)
{
  SrNetworkProfile *profile = sr_application_get_network_profile (self->application);
  SrRpcClient *rpc = sr_application_get_rpc_client (self->application);
  const char *registry_text = sr_network_profile_get_registry_address (profile);
  guint8 registry[SR_ADDRESS_LEN];

  if (rpc == NULL || registry_text == NULL || !sr_address_parse (registry_text, registry, NULL))
    return NULL;
  *network = sr_catalog_network_key (sr_network_profile_get_chain_id (profile), registry);
  return sr_registry_new (rpc, registry);
}

static void
show_history (SrRewardsSection *self, const char *collected)
{
  SrStore *store = sr_application_get_store (self->application);
  g_autoptr(GPtrArray) claims = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autofree char *network = NULL, *total = seed_text (collected);

  for (guint i = 0; i < self->history_rows->len; i++)
    adw_expander_row_remove (self->collected_row, self->history_rows->pdata[i]);
  g_ptr_array_set_size (self->history_rows, 0);
  adw_expander_row_set_subtitle (self->collected_row, total);
  if (store == NULL || (registry = open_registry (self, &network)) == NULL)
    return;
  claims = sr_store_list_reward_claims (store, network, self->address, NULL);
  for (guint i = 0; claims != NULL && i < claims->len; i++)
    {
      SrStoreRewardClaim *c = claims->pdata[i];
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (c->claimed_at);
      g_autofree char *date = g_date_time_format (when, "%x %X");
      g_autofree char *amount = seed_text (c->amount);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), amount);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), date);
      gtk_widget_set_tooltip_text (row, c->tx_hash);
      adw_expander_row_add_row (self->collected_row, row);
      g_ptr_array_add (self->history_rows, row);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->collected_row), self->history_rows->len > 0);
}

static void
estimated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SrRewardsSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRewardsSummary) summary = sr_rewards_estimate_finish (result, &error);
  g_autofree char *pending = NULL, *receipts = NULL, *viewers = NULL;

  if (summary == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->pending_label), error->message);
      return;
    }
  pending = seed_text (summary->pending);
  gtk_label_set_label (self->pending_label, pending);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pending_label), NULL);
  receipts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u receipt", "%u receipts", summary->n_receipts),
                              summary->n_receipts);
  viewers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "from %u viewer", "from %u viewers", summary->n_viewers),
                             summary->n_viewers);
  gtk_label_set_label (self->receipts_label, receipts);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (self->receipts_label),
                                                                       ADW_TYPE_ACTION_ROW)), viewers);
  self->n_claimable = summary->n_claimable;
  g_free (self->pending);
  self->pending = g_strdup (summary->pending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->collect_button), summary->n_claimable > 0 && !self->collecting);
  show_history (self, summary->collected);
}

static void receipt_stored_cb (SrRewardsSection *self);

/* A receipt kept while the section is on screen shows at once. */
static void
follow_seeding (SrRewardsSection *self)
{
  g_autoptr(SrSeeding) current = g_weak_ref_get (&self->seeding);
  SrSeeding *seeding;

  if (self->application == NULL || self->address == NULL ||
      (seeding = sr_application_get_seeding (self->application, self->address, NULL)) == NULL ||
      seeding == current)
    return;
  g_weak_ref_set (&self->seeding, seeding);
  g_signal_connect_object (seeding, "receipt-stored", G_CALLBACK (receipt_stored_cb), self, G_CONNECT_SWAPPED);
}

void
sr_rewards_section_refresh (SrRewardsSection *self)
{
  g_autoptr(SrRegistry) registry = NULL;
  g_autofree char *network = NULL;
  SrStore *store;

  g_return_if_fail (SR_IS_REWARDS_SECTION (self));

  follow_seeding (self);
  if (self->application == NULL || self->address == NULL ||
      (store = sr_application_get_store (self->application)) == NULL ||
      (registry = open_registry (self, &network)) == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->collect_button), FALSE);
      return;
    }
  sr_rewards_estimate_async (registry, store, network, self->address, self->cancellable,
                             estimated_cb, g_object_ref (self));
}

static void
receipt_stored_cb (SrRewardsSection *self)
{
  sr_rewards_section_refresh (self);
}

void
sr_rewards_section_set_account (SrRewardsSection *self,
                                SrApplication    *application,
                                const char       *address)
{
  g_return_if_fail (SR_IS_REWARDS_SECTION (self));

  g_set_object (&self->application, application);
  if (g_strcmp0 (address, self->address) != 0)
    {
      g_free (self->address);
      self->address = g_strdup (address);
    }
  sr_rewards_section_refresh (self);
}

/* ---- collecting ---- */

static void
finish_pending (SrRewardsSection *self, GBytes *raw, GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->pending_task);

  g_clear_pointer (&self->pending_tx, g_variant_unref);
  g_clear_pointer (&self->pending_token, g_free);
  if (task == NULL)
    {
      g_clear_pointer (&raw, g_bytes_unref);
      g_clear_error (&error);
      return;
    }
  if (raw != NULL)
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, error);
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SrRewardsSection) self = user_data;
  GError *error = NULL;
  GBytes *raw = sr_signer_sign_transaction_finish (SR_SIGNER (source), result, &error);

  finish_pending (self, raw, error);
}

static void
dialog_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SrRewardsSection *self)
{
  g_autoptr(GError) error = NULL;
  SrSigner *signer;

  if (g_strcmp0 (response, "collect") != 0)
    {
      finish_pending (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                       _("Nothing collected: you declined")));
      return;
    }
  if ((signer = sr_application_get_signer (self->application, &error)) == NULL)
    {
      finish_pending (self, NULL, g_steal_pointer (&error));
      return;
    }
  sr_signer_sign_transaction_async (signer, self->address, self->pending_tx, self->pending_token,
                                    self->cancellable, signed_cb, g_object_ref (self));
}

/* The wallet agent's summary of one claim transaction: asks before signing. */
static void
confirm_cb (GVariant   *summary,
            const char *token,
            GVariant   *tx,
            GTask      *task,
            gpointer    user_data)
{
  SrRewardsSection *self = user_data;
  g_autofree char *fee_units = NULL, *amount = NULL, *body = NULL;
  GtkWidget *dialog;

  finish_pending (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Replaced by a newer request")));
  self->pending_task = task;
  self->pending_tx = g_variant_ref (tx);
  self->pending_token = g_strdup (token);

  fee_units = sr_rewards_dup_max_fee_text (summary);
  amount = seed_text (self->pending);
  /* TRANSLATORS: the first %s is an amount such as "1.5 SEED", the second the fee in ETH */
  body = g_strdup_printf (_("About %s from the receipts you hold. The network fee is at most %s ETH."),
                          amount, fee_units);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Collect Seeding Rewards?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "collect", _("_Collect"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "collect", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (dialog_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
claimed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SrRewardsSection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRewardsClaimResult) claimed = sr_rewards_claim_finish (result, &error);

  self->collecting = FALSE;
  if (self->application != NULL)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  if (claimed != NULL && !g_str_equal (claimed->amount, "0"))
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Seeding Rewards Collected"));
      g_autofree char *amount = seed_text (claimed->amount);
      /* TRANSLATORS: %s is an amount such as "1.5 SEED" */
      g_autofree char *text = g_strdup_printf (_("%s for the videos you seeded"), amount);

      g_notification_set_body (notification, text);
      g_application_send_notification (G_APPLICATION (self->application), "seeding-rewards", notification);
    }
  else if (claimed == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->collect_button), error->message);
  sr_rewards_section_refresh (self);
}

static void
collect_clicked_cb (SrRewardsSection *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autofree char *network = NULL;
  SrTxManager *manager;
  SrStore *store;

  if (self->application == NULL || self->address == NULL || self->collecting ||
      (store = sr_application_get_store (self->application)) == NULL ||
      (registry = open_registry (self, &network)) == NULL)
    return;
  if ((manager = sr_application_get_tx_manager (self->application, self->address, &error)) == NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->collect_button), error->message);
      return;
    }
  self->collecting = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->collect_button), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->collect_button), NULL);
  sr_application_set_send_confirmer (self->application, confirm_cb, self);
  sr_rewards_claim_async (registry, sr_application_get_rpc_client (self->application), store, network,
                          manager, 0, self->cancellable, claimed_cb, g_object_ref (self));
}

/* Receipts arrive while seeding and claims change the pools: the figures
 * are read again each time the page comes on screen. */
static void
sr_rewards_section_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sr_rewards_section_parent_class)->map (widget);
  sr_rewards_section_refresh (SR_REWARDS_SECTION (widget));
}

static void
sr_rewards_section_dispose (GObject *object)
{
  SrRewardsSection *self = SR_REWARDS_SECTION (object);

  g_cancellable_cancel (self->cancellable);
  finish_pending (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                   _("Nothing collected: the window was closed")));
  if (self->application != NULL && self->collecting)
    sr_application_set_send_confirmer (self->application, NULL, NULL);
  g_clear_object (&self->cancellable);
  g_weak_ref_clear (&self->seeding);
  g_clear_object (&self->application);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->pending, g_free);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sr_rewards_section_parent_class)->dispose (object);
}

static void
sr_rewards_section_class_init (SrRewardsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_rewards_section_dispose;
  widget_class->map = sr_rewards_section_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/seedreel/Seedreel/sr-rewards-section.ui");
  gtk_widget_class_bind_template_child (widget_class, SrRewardsSection, collect_button);
  gtk_widget_class_bind_template_child (widget_class, SrRewardsSection, pending_label);
  gtk_widget_class_bind_template_child (widget_class, SrRewardsSection, receipts_label);
  gtk_widget_class_bind_template_child (widget_class, SrRewardsSection, collected_row);
  gtk_widget_class_bind_template_callback (widget_class, collect_clicked_cb);
}

static void
sr_rewards_section_init (SrRewardsSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_weak_ref_init (&self->seeding, NULL);
  self->cancellable = g_cancellable_new ();
  self->history_rows = g_ptr_array_new ();
}
