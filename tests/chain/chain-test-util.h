/* chain-test-util.h: small helpers shared by the chain tests: waiting for
 * an async result on the default main context, and running the pinned
 * `cast` as an independent oracle. */
#pragma once

#include <gio/gio.h>
#include <string.h>

/* Spins the default main context until *@slot holds a result. */
static inline void
chain_test_store_result (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static inline GAsyncResult *
chain_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Runs `cast ARGS…` and returns its trimmed standard output, or NULL when
 * the pinned cast is not available (the caller then skips). */
static inline char *
chain_test_cast (const char * const *args)
{
  const char *cast = g_getenv ("SEEDREEL_CAST");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (cast == NULL)
    return NULL;
  g_ptr_array_add (argv, (gpointer) cast);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("cast failed: %s", err);
  return g_strdup (g_strstrip (out));
}
