/* sr-pending-tx.c — a transaction waiting for the user's word (see
 * sr-pending-tx.h). */
#include "config.h"

#include <glib/gi18n.h>

#include "sr-pending-tx.h"

struct _SrPendingTx
{
  GObject parent_instance;

  GTask *task;
  GVariant *tx;
  char *token;
};

G_DEFINE_FINAL_TYPE (SrPendingTx, sr_pending_tx, G_TYPE_OBJECT)

static GTask *
take (SrPendingTx *self)
{
  g_clear_pointer (&self->tx, g_variant_unref);
  g_clear_pointer (&self->token, g_free);
  return g_steal_pointer (&self->task);
}

void
sr_pending_tx_decline (SrPendingTx *self,
                       const char  *message)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SR_IS_PENDING_TX (self));

  task = take (self);
  if (task != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", message);
}

void
sr_pending_tx_hold (SrPendingTx *self,
                    GTask       *task,
                    GVariant    *tx,
                    const char  *token)
{
  g_return_if_fail (SR_IS_PENDING_TX (self));

  sr_pending_tx_decline (self, _("Replaced by a newer request"));
  self->task = task;
  self->tx = g_variant_ref (tx);
  self->token = g_strdup (token);
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *raw = sr_signer_sign_transaction_finish (SR_SIGNER (source), result, &error);

  if (raw != NULL)
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, error);
}

typedef struct {
  SrPendingTx *self;
  SrApplication *application;
  GObject *owner;               /* weak */
  char *account;
  char *declined;
  GCancellable *cancellable;
  SrPendingTxAnswered answered;
} Question;

static void
question_free (gpointer data,
               GClosure *closure)
{
  Question *q = data;

  (void) closure;
  g_object_unref (q->self);
  g_object_unref (q->application);
  g_clear_weak_pointer (&q->owner);
  g_free (q->account);
  g_free (q->declined);
  g_clear_object (&q->cancellable);
  g_free (q);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             Question         *q)
{
  g_autoptr(GError) error = NULL;
  gboolean accepted = g_str_equal (response, "accept");
  SrSigner *signer;

  (void) dialog;
  if (!accepted)
    sr_pending_tx_decline (q->self, q->declined);
  else if ((signer = sr_application_get_signer (q->application, &error)) == NULL)
    {
      g_autoptr(GTask) task = take (q->self);

      if (task != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    {
      GVariant *tx = q->self->tx != NULL ? g_variant_ref (q->self->tx) : NULL;
      g_autofree char *token = g_strdup (q->self->token);
      GTask *task = take (q->self);

      if (task != NULL)
        sr_signer_sign_transaction_async (signer, q->account, tx, token, q->cancellable, signed_cb, task);
      g_clear_pointer (&tx, g_variant_unref);
    }
  if (q->answered != NULL && q->owner != NULL)
    q->answered (q->owner, accepted);
}

void
sr_pending_tx_ask (SrPendingTx         *self,
                   GtkWidget           *owner,
                   SrApplication       *application,
                   const char          *account,
                   const char          *heading,
                   const char          *body,
                   const char          *accept_label,
                   const char          *declined,
                   GCancellable        *cancellable,
                   SrPendingTxAnswered  answered)
{
  GtkRoot *root = gtk_widget_get_root (owner);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  Question *q = g_new0 (Question, 1);

  g_return_if_fail (SR_IS_PENDING_TX (self));

  q->self = g_object_ref (self);
  q->application = g_object_ref (application);
  g_set_weak_pointer (&q->owner, G_OBJECT (owner));
  q->account = g_strdup (account);
  q->declined = g_strdup (declined);
  q->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  q->answered = answered;
  /* Named like its heading for window lists and screen readers. */
  gtk_window_set_title (GTK_WINDOW (dialog), heading);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "accept", accept_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "accept", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (response_cb), q, question_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

SrPendingTx *
sr_pending_tx_new (void)
{
  return g_object_new (SR_TYPE_PENDING_TX, NULL);
}

static void
sr_pending_tx_dispose (GObject *object)
{
  sr_pending_tx_decline (SR_PENDING_TX (object), _("Nothing was signed: the window was closed"));

  G_OBJECT_CLASS (sr_pending_tx_parent_class)->dispose (object);
}

static void
sr_pending_tx_class_init (SrPendingTxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sr_pending_tx_dispose;
}

static void
sr_pending_tx_init (SrPendingTx *self)
{
  (void) self;
}
