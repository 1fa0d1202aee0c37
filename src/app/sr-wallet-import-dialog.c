/* sr-wallet-import-dialog.c — importing an existing wallet into
 * seedreel-signer from its BIP-39 recovery phrase (first account,
 * m/44'/60'/0'/0/0), a raw private key, or a v3 keystore file (pasted or
 * opened, with the password it was saved with), under a new password. The
 * text is cleared from the view as soon as it has been handed to the agent. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sr-wallet-import-dialog.h"

#define MIN_PASSWORD_LENGTH 8
/* Keystore files are about 500 bytes; anything far larger is not one. */
#define MAX_KEYSTORE_SIZE (64 * 1024)

struct _SrWalletImportDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkWidget           *form;
  GtkTextView         *secret_view;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *repeat_row;
  GtkButton           *keystore_button;
  GtkWidget           *keystore_group;
  AdwPasswordEntryRow *keystore_password_row;
  GtkLabel            *problem_label;
  GtkButton           *import_button;

  /* Owned References */
  SrSigner            *signer;
  GCancellable        *cancellable;
  GtkFileChooserNative *chooser;
};

enum { ACCOUNT_ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SrWalletImportDialog, sr_wallet_import_dialog, ADW_TYPE_WINDOW)

static char *
get_secret (SrWalletImportDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->secret_view);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (text);
}

/* 64 hex digits, with or without 0x. */
static gboolean
looks_like_private_key (const char *text)
{
  if (g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X"))
    text += 2;
  if (strlen (text) != 64)
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isxdigit (*text))
      return FALSE;
  return TRUE;
}

/* A pasted or opened keystore file is a JSON object. */
static gboolean
looks_like_keystore (const char *text)
{
  return text[0] == '{';
}

static void
changed_cb (SrWalletImportDialog *self)
{
  g_autofree char *secret = get_secret (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_row));
  gboolean keystore = looks_like_keystore (secret);
  const char *problem = NULL;

  gtk_widget_set_visible (self->keystore_group, keystore);
  if (keystore && gtk_editable_get_text (GTK_EDITABLE (self->keystore_password_row))[0] == '\0')
    {
      gtk_label_set_label (self->problem_label, "");
      gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
      return;
    }
  if (g_utf8_strlen (password, -1) > 0 && g_utf8_strlen (password, -1) < MIN_PASSWORD_LENGTH)
    problem = _("Use at least 8 characters.");
  else if (repeat[0] != '\0' && g_strcmp0 (password, repeat) != 0)
    problem = _("The passwords do not match.");
  gtk_label_set_label (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button),
                            problem == NULL && secret[0] != '\0' && password[0] != '\0' &&
                            g_str_equal (password, repeat));
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SrWalletImportDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = sr_signer_import_finish (SR_SIGNER (source), result, &error);

  if (address == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_label (self->problem_label, error->message);
      gtk_widget_set_sensitive (self->form, TRUE);
      return;
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->secret_view), "", 0);
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, address);
  gtk_window_close (GTK_WINDOW (self));
}

static void
import_clicked_cb (SrWalletImportDialog *self)
{
  g_autofree char *secret = get_secret (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_set_sensitive (self->form, FALSE);
  gtk_label_set_label (self->problem_label, _("Importing…"));
  if (looks_like_keystore (secret))
    sr_signer_import_keystore_v3_async (self->signer, secret,
                                        gtk_editable_get_text (GTK_EDITABLE (self->keystore_password_row)),
                                        "", password, self->cancellable, imported_cb, self);
  else if (looks_like_private_key (secret))
    sr_signer_import_private_key_async (self->signer, secret, "", password, self->cancellable, imported_cb, self);
  else
    {
      /* Words separated by any whitespace, as people paste them. */
      g_auto(GStrv) words = g_strsplit_set (secret, " \t\r\n", -1);
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();
      g_autofree char *phrase = NULL;

      for (guint i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          g_ptr_array_add (kept, words[i]);
      g_ptr_array_add (kept, NULL);
      phrase = g_strjoinv (" ", (char **) kept->pdata);
      sr_signer_import_mnemonic_async (self->signer, phrase, 0, "", password, self->cancellable, imported_cb, self);
    }
}

static void
keystore_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SrWalletImportDialog *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_label (self->problem_label, error->message);
      return;
    }
  g_strstrip (contents);
  if (length > MAX_KEYSTORE_SIZE || !looks_like_keystore (contents) || !g_utf8_validate (contents, -1, NULL))
    {
      g_autofree char *problem = g_strdup_printf (_("“%s” is not a keystore file: choose the JSON file your wallet "
                                                    "exported (often named UTC--…)."), name);

      gtk_label_set_label (self->problem_label, problem);
      return;
    }
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->secret_view), contents, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->keystore_password_row));
}

static void
keystore_chosen_cb (SrWalletImportDialog *self,
                    int                   response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  g_clear_object (&self->chooser);
  if (file != NULL)
    g_file_load_contents_async (file, self->cancellable, keystore_loaded_cb, self);
}

static void
keystore_clicked_cb (SrWalletImportDialog *self)
{
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open Keystore File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (json, _("Keystore Files"));
  gtk_file_filter_add_mime_type (json, "application/json");
  gtk_file_filter_add_pattern (json, "UTC--*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), json);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (keystore_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
sr_wallet_import_dialog_dispose (GObject *object)
{
  SrWalletImportDialog *self = SR_WALLET_IMPORT_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->signer);
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_WALLET_IMPORT_DIALOG);

  G_OBJECT_CLASS (sr_wallet_import_dialog_parent_class)->dispose (object);
}

static void
sr_wallet_import_dialog_class_init (SrWalletImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_wallet_import_dialog_dispose;

  signals[ACCOUNT_ADDED] = g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-wallet-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, form);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, secret_view);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, keystore_button);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, keystore_group);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, keystore_password_row);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, SrWalletImportDialog, import_button);
}

static void
sr_wallet_import_dialog_init (SrWalletImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->secret_view), "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->repeat_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->keystore_password_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->keystore_button, "clicked", G_CALLBACK (keystore_clicked_cb), self);
  g_signal_connect_swapped (self->import_button, "clicked", G_CALLBACK (import_clicked_cb), self);
}

SrWalletImportDialog *
sr_wallet_import_dialog_new (SrSigner *signer)
{
  SrWalletImportDialog *self = g_object_new (SR_TYPE_WALLET_IMPORT_DIALOG, NULL);

  self->signer = g_object_ref (signer);
  return self;
}
