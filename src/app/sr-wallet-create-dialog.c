/* sr-wallet-create-dialog.c — creating a wallet in seedreel-signer. The
 * password is asked twice; the recovery phrase the agent returns is shown
 * once, and the dialog only finishes after "I wrote it down". The phrase
 * is wiped from the label when the dialog goes away. */
#include "config.h"

#include <glib/gi18n.h>

#include "sr-wallet-create-dialog.h"

#define MIN_PASSWORD_LENGTH 8

struct _SrWalletCreateDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *repeat_row;
  GtkLabel            *problem_label;
  GtkButton           *create_button;
  GtkLabel            *phrase_label;
  GtkLabel            *address_label;
  GtkButton           *done_button;

  /* Owned References */
  SrSigner            *signer;
  GCancellable        *cancellable;
};

enum { ACCOUNT_ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SrWalletCreateDialog, sr_wallet_create_dialog, ADW_TYPE_WINDOW)

static void
passwords_changed_cb (SrWalletCreateDialog *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_row));
  const char *problem = NULL;

  if (g_utf8_strlen (password, -1) > 0 && g_utf8_strlen (password, -1) < MIN_PASSWORD_LENGTH)
    problem = _("Use at least 8 characters.");
  else if (repeat[0] != '\0' && g_strcmp0 (password, repeat) != 0)
    problem = _("The passwords do not match.");
  gtk_label_set_label (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button),
                            problem == NULL && password[0] != '\0' && g_str_equal (password, repeat));
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SrWalletCreateDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *mnemonic = NULL;
  g_autofree char *address = sr_signer_create_account_finish (SR_SIGNER (source), result, &mnemonic, &error);

  if (address == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_label (self->problem_label, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
      return;
    }
  gtk_label_set_label (self->phrase_label, mnemonic);
  gtk_label_set_label (self->address_label, address);
  gtk_stack_set_visible_child_name (self->stack, "phrase");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, address);
}

static void
create_clicked_cb (SrWalletCreateDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  gtk_label_set_label (self->problem_label, _("Creating the wallet…"));
  sr_signer_create_account_async (self->signer, "",
                                  gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                  self->cancellable, created_cb, self);
}

static void
done_clicked_cb (SrWalletCreateDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
sr_wallet_create_dialog_dispose (GObject *object)
{
  SrWalletCreateDialog *self = SR_WALLET_CREATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->signer);
  if (self->phrase_label != NULL)
    gtk_label_set_label (self->phrase_label, "");
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_WALLET_CREATE_DIALOG);

  G_OBJECT_CLASS (sr_wallet_create_dialog_parent_class)->dispose (object);
}

static void
sr_wallet_create_dialog_class_init (SrWalletCreateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_wallet_create_dialog_dispose;

  /* Emitted as soon as the agent has saved the new account. */
  signals[ACCOUNT_ADDED] = g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-wallet-create-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, phrase_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, address_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletCreateDialog, done_button);
}

static void
sr_wallet_create_dialog_init (SrWalletCreateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (passwords_changed_cb), self);
  g_signal_connect_swapped (self->repeat_row, "changed", G_CALLBACK (passwords_changed_cb), self);
  g_signal_connect_swapped (self->create_button, "clicked", G_CALLBACK (create_clicked_cb), self);
  g_signal_connect_swapped (self->done_button, "clicked", G_CALLBACK (done_clicked_cb), self);
}

SrWalletCreateDialog *
sr_wallet_create_dialog_new (SrSigner *signer)
{
  SrWalletCreateDialog *self = g_object_new (SR_TYPE_WALLET_CREATE_DIALOG, NULL);

  self->signer = g_object_ref (signer);
  return self;
}
