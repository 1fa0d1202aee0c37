/* sr-worker-tokens.c: worker access tokens in the keyring through libsecret.
 * A token lets anyone spend the operator's machine, so it is kept with the
 * user's other secrets rather than in plain settings. */
#include "config.h"

#include "sr-worker-tokens.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "org.seedreel.Seedreel.WorkerToken", SECRET_SCHEMA_NONE,
    {
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static void
stored (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  (void) source;
  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sr_worker_tokens_store_async (const gchar         *url,
                              const gchar         *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree gchar *label = g_strdup_printf (_("Seedreel transcoding worker %s"), url);

  g_task_set_source_tag (task, sr_worker_tokens_store_async);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                         stored, task, "url", url, NULL);
}

gboolean
sr_worker_tokens_store_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gchar *secret = secret_password_lookup_finish (result, &error);

  (void) source;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      /* Copied out of libsecret's non-pageable memory into ordinary strings. */
      gchar *copy = g_strdup (secret);

      secret_password_free (secret);
      g_task_return_pointer (task, copy, g_free);
    }
}

void
sr_worker_tokens_lookup_async (const gchar         *url,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sr_worker_tokens_lookup_async);
  secret_password_lookup (token_schema (), cancellable, looked_up, task, "url", url, NULL);
}

gchar *
sr_worker_tokens_lookup_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  (void) source;
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
sr_worker_tokens_clear_async (const gchar         *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sr_worker_tokens_clear_async);
  secret_password_clear (token_schema (), cancellable, cleared, task, "url", url, NULL);
}

gboolean
sr_worker_tokens_clear_finish (GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
