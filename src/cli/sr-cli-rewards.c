/* sr-cli-rewards.c: `seedreel-cli rewards` shows what seeding has earned the
 * account: the receipts its library holds (from how many viewers), what a
 * claim would pay now (estimated from those receipts and the registry's
 * state) and what was collected before. `seedreel-cli claim` collects it in
 * batches through SrTxManager, asking once per transaction, after the
 * wallet agent's own summary of it, unless --yes. Results go to stdout,
 * questions and progress to stderr.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>

#include "chain/sr-network-profile.h"
#include "chain/sr-registry.h"
#include "chain/sr-signer.h"
#include "chain/sr-tx-manager.h"
#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "market/sr-catalog-title.h"
#include "market/sr-rewards.h"
#include "store/sr-store.h"
#include "store/sr-store-receipts.h"

#include "sr-cli-rewards.h"

typedef struct {
  char *rpc_url;
  char *registry;
  char *account;
  char *password_file;
  gboolean yes;
  gboolean json;
  int batch_size;
} Args;

/* What a command works on: the chain, the library and the account. */
typedef struct {
  SrRpcClient *rpc;
  SrRegistry *registry;
  SrStore *store;
  SrSigner *signer;
  char *network;
  char *account;
  guint64 chain_id;
  gboolean yes;
} Session;

static void
args_clear (Args *a)
{
  g_free (a->rpc_url);
  g_free (a->registry);
  g_free (a->account);
  g_free (a->password_file);
}

static void
session_clear (Session *s)
{
  g_clear_object (&s->rpc);
  g_clear_object (&s->registry);
  g_clear_object (&s->store);
  g_clear_object (&s->signer);
  g_free (s->network);
  g_free (s->account);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Session, session_clear)

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The user's network profile, with the devnet's addresses when it runs
 * one, then the command line's overrides. */
static void
resolve_network (const Args *a, char **rpc_url, char **registry)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL
    ? g_settings_schema_source_lookup (source, "org.seedreel.Seedreel.Network", TRUE) : NULL;
  g_autoptr(SrNetworkProfile) profile = NULL;
  g_autoptr(GKeyFile) devnet = g_key_file_new ();
  g_autofree char *devnet_path = sr_network_profile_get_devnet_path ();

  if (schema != NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      profile = sr_network_profile_new_from_settings (settings);
    }
  else
    profile = sr_network_profile_new ();
  *rpc_url = g_strdup (sr_network_profile_get_rpc_url (profile));
  *registry = g_strdup (sr_network_profile_get_registry_address (profile));
  if ((*registry == NULL || **registry == '\0') && devnet_path != NULL &&
      g_key_file_load_from_file (devnet, devnet_path, G_KEY_FILE_NONE, NULL))
    {
      g_free (*registry);
      *registry = g_key_file_get_string (devnet, "Network", "registry-address", NULL);
    }
  if (a->rpc_url != NULL)
    g_free (*rpc_url), *rpc_url = g_strdup (a->rpc_url);
  if (a->registry != NULL)
    g_free (*registry), *registry = g_strdup (a->registry);
}

static gboolean
session_open (Session *s, const Args *a, GError **error)
{
  g_autofree char *rpc_url = NULL, *registry_text = NULL, *path = NULL, *dir = NULL;
  g_autoptr(GAsyncResult) r_chain = NULL, r_accounts = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  guint8 registry[SR_ADDRESS_LEN], wanted[SR_ADDRESS_LEN];

  resolve_network (a, &rpc_url, &registry_text);
  if (registry_text == NULL || registry_text[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("This network has no registry address: start the devnet (tools/devnet) or pass --registry ADDRESS"));
      return FALSE;
    }
  if (!sr_address_parse (registry_text, registry, error))
    return FALSE;
  s->rpc = sr_rpc_client_new (rpc_url);
  s->registry = sr_registry_new (s->rpc, registry);
  sr_rpc_client_get_chain_id_async (s->rpc, NULL, on_result, &r_chain);
  if (!sr_rpc_client_get_chain_id_finish (s->rpc, await (&r_chain), &s->chain_id, error))
    return FALSE;
  s->network = sr_catalog_network_key (s->chain_id, registry);

  path = sr_store_default_path ();
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);
  if ((s->store = sr_store_open (path, error)) == NULL)
    return FALSE;

  /* The account: --account, else the wallet's first. */
  if ((s->signer = sr_signer_spawn (NULL, error)) == NULL)
    return FALSE;
  sr_signer_list_accounts_async (s->signer, NULL, on_result, &r_accounts);
  if ((accounts = sr_signer_list_accounts_finish (s->signer, await (&r_accounts), error)) == NULL)
    return FALSE;
  if (a->account != NULL && !sr_address_parse (a->account, wanted, error))
    return FALSE;
  for (guint i = 0; i < accounts->len && s->account == NULL; i++)
    {
      const char *address = ((SrSignerAccount *) accounts->pdata[i])->address;
      guint8 have[SR_ADDRESS_LEN];

      if (a->account == NULL ||
          (sr_address_parse (address, have, NULL) && memcmp (have, wanted, SR_ADDRESS_LEN) == 0))
        s->account = g_strdup (address);
    }
  if (s->account == NULL)
    {
      g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NO_SUCH_ACCOUNT,
                   a->account != NULL ? _("No wallet holds the account %s")
                                      : _("There is no wallet yet: run “seedreel-cli wallet create” or “wallet import”"),
                   a->account);
      return FALSE;
    }
  s->yes = a->yes;
  return TRUE;
}

static SrRewardsSummary *
estimate (Session *s, GError **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  sr_rewards_estimate_async (s->registry, s->store, s->network, s->account, NULL, on_result, &r);
  return sr_rewards_estimate_finish (await (&r), error);
}

/* ---- rewards ---- */

static void
print_json (Session *s, const SrRewardsSummary *summary, GPtrArray *claims)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "account");
  json_builder_add_string_value (b, s->account);
  json_builder_set_member_name (b, "pending_base_units");
  json_builder_add_string_value (b, summary->pending);
  json_builder_set_member_name (b, "collected_base_units");
  json_builder_add_string_value (b, summary->collected);
  json_builder_set_member_name (b, "receipts");
  json_builder_add_int_value (b, summary->n_receipts);
  json_builder_set_member_name (b, "viewers");
  json_builder_add_int_value (b, summary->n_viewers);
  json_builder_set_member_name (b, "claimable");
  json_builder_add_int_value (b, summary->n_claimable);
  json_builder_set_member_name (b, "claims");
  json_builder_begin_array (b);
  for (guint i = 0; i < claims->len; i++)
    {
      SrStoreRewardClaim *c = claims->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "transaction");
      json_builder_add_string_value (b, c->tx_hash);
      json_builder_set_member_name (b, "receipts");
      json_builder_add_int_value (b, c->n_receipts);
      json_builder_set_member_name (b, "amount_base_units");
      json_builder_add_string_value (b, c->amount);
      json_builder_set_member_name (b, "time");
      json_builder_add_int_value (b, c->claimed_at);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  printf ("%s\n", text);
}

static int
cmd_rewards (const Args *a, GError **error)
{
  g_auto(Session) s = { 0 };
  g_autoptr(SrRewardsSummary) summary = NULL;
  g_autoptr(GPtrArray) claims = NULL;
  g_autofree char *pending = NULL, *collected = NULL;

  if (!session_open (&s, a, error) || (summary = estimate (&s, error)) == NULL ||
      (claims = sr_store_list_reward_claims (s.store, s.network, s.account, error)) == NULL)
    return 1;
  if (a->json)
    {
      print_json (&s, summary, claims);
      return 0;
    }
  pending = sr_catalog_format_units (summary->pending, 18);
  collected = sr_catalog_format_units (summary->collected, 18);
  printf ("%-22s %s\n", _("Account:"), s.account);
  printf ("%-22s %s SEED\n", _("Pending rewards:"), pending);
  printf ("%-22s %u\n", _("Receipts held:"), summary->n_receipts);
  printf ("%-22s %u\n", _("Viewers served:"), summary->n_viewers);
  printf ("%-22s %u\n", _("Receipts to claim:"), summary->n_claimable);
  printf ("%-22s %s SEED\n", _("Collected so far:"), collected);
  for (guint i = 0; i < claims->len; i++)
    {
      SrStoreRewardClaim *c = claims->pdata[i];
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (c->claimed_at);
      g_autofree char *date = g_date_time_format (when, "%Y-%m-%d %H:%M");
      g_autofree char *amount = sr_catalog_format_units (c->amount, 18);

      printf ("  %s\t%s SEED\t%s\n", date, amount, c->tx_hash);
    }
  return 0;
}

/* ---- claim ---- */

static char *
read_secret (const Args *a, GError **error)
{
  g_autofree char *contents = NULL;
  struct termios saved, quiet;
  gboolean restore = FALSE;
  char line[1024] = "";
  FILE *tty;

  if (a->password_file != NULL)
    {
      if (!g_file_get_contents (a->password_file, &contents, NULL, error))
        return NULL;
      contents[strcspn (contents, "\r\n")] = '\0';
      return g_steal_pointer (&contents);
    }
  if ((tty = fopen ("/dev/tty", "r+")) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No terminal to ask for the password: use --password-file FILE"));
      return NULL;
    }
  fputs (_("Password: "), tty);
  fflush (tty);
  if (tcgetattr (fileno (tty), &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      restore = tcsetattr (fileno (tty), TCSAFLUSH, &quiet) == 0;
    }
  if (fgets (line, sizeof line, tty) == NULL)
    line[0] = '\0';
  if (restore)
    tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  fputs ("\n", tty);
  fclose (tty);
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

static gboolean
ask_yes (const char *question)
{
  FILE *tty = fopen ("/dev/tty", "r+");
  char answer[16] = "";
  gboolean yes;

  fprintf (tty != NULL ? tty : stderr, "%s ", question);
  fflush (tty != NULL ? tty : stderr);
  yes = fgets (answer, sizeof answer, tty != NULL ? tty : stdin) != NULL && (answer[0] == 'y' || answer[0] == 'Y');
  if (tty != NULL)
    fclose (tty);
  return yes;
}

typedef struct {
  Session *session;
  GTask *task;
  GVariant *tx;
} Signing;

static void
signing_free (Signing *signing)
{
  g_clear_object (&signing->task);
  g_clear_pointer (&signing->tx, g_variant_unref);
  g_free (signing);
}

static void
on_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Signing *signing = user_data;
  GError *error = NULL;
  GBytes *raw = sr_signer_sign_transaction_finish (SR_SIGNER (source), result, &error);

  if (raw == NULL)
    g_task_return_error (signing->task, error);
  else
    g_task_return_pointer (signing->task, raw, (GDestroyNotify) g_bytes_unref);
  signing_free (signing);
}

static void
on_prepared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Signing *signing = user_data;
  Session *s = signing->session;
  GError *error = NULL;
  g_autofree char *token = NULL, *fee = NULL;
  g_autoptr(GVariant) summary = sr_signer_prepare_transaction_finish (SR_SIGNER (source), result, &token, &error);
  guint64 chain_id = 0;

  if (summary == NULL)
    {
      g_task_return_error (signing->task, error);
      signing_free (signing);
      return;
    }
  g_variant_lookup (summary, "chain-id", "t", &chain_id);
  fee = sr_rewards_dup_max_fee_text (summary);
  fprintf (stderr, "%s\n", _("Collect seeding rewards from the registry:"));
  fprintf (stderr, "  %-12s %s\n", _("Account:"), s->account);
  fprintf (stderr, "  %-12s %" G_GUINT64_FORMAT "\n", _("Chain id:"), chain_id);
  fprintf (stderr, "  %-12s %s ETH\n", _("Max fee:"), fee);
  if (!s->yes && !ask_yes (_("Collect? [y/N]")))
    {
      g_task_return_new_error (signing->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Nothing collected: you declined"));
      signing_free (signing);
      return;
    }
  sr_signer_sign_transaction_async (s->signer, s->account, signing->tx, token,
                                    g_task_get_cancellable (signing->task), on_signed, signing);
}

static void
sign_through_agent (const SrTx *tx, GCancellable *cancellable, GTask *task, gpointer user_data)
{
  Signing *signing = g_new0 (Signing, 1);

  signing->session = user_data;
  signing->task = task;
  signing->tx = g_variant_ref_sink (sr_signer_tx_to_variant (tx));
  sr_signer_prepare_transaction_async (signing->session->signer, signing->session->account, signing->tx,
                                       cancellable, on_prepared, signing);
}

static int
cmd_claim (const Args *a, GError **error)
{
  g_auto(Session) s = { 0 };
  g_autoptr(SrRewardsSummary) summary = NULL;
  g_autoptr(SrRewardsClaimResult) claimed = NULL;
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(GAsyncResult) r_unlock = NULL, r_claim = NULL;
  g_autofree char *password = NULL, *pending = NULL, *amount = NULL;
  guint8 from[SR_ADDRESS_LEN];
  guint batch = a->batch_size > 0 ? (guint) a->batch_size : SR_REWARDS_BATCH_SIZE;

  if (!session_open (&s, a, error) || (summary = estimate (&s, error)) == NULL)
    return 1;
  if (summary->n_claimable == 0)
    {
      fprintf (stderr, "%s\n", _("Nothing to collect: every receipt held has been paid."));
      printf ("0\n");
      return 0;
    }
  pending = sr_catalog_format_units (summary->pending, 18);
  fprintf (stderr, _("About %s SEED to collect (receipts: %u, transactions: %u).\n"), pending,
           summary->n_claimable, (summary->n_claimable + batch - 1) / batch);

  /* The password first: a wrong one stops everything before any fee is spent. */
  if ((password = read_secret (a, error)) == NULL)
    return 1;
  sr_signer_unlock_async (s.signer, s.account, password, 120, NULL, on_result, &r_unlock);
  if (!sr_signer_unlock_finish (s.signer, await (&r_unlock), error))
    return 1;
  g_assert (sr_address_parse (s.account, from, NULL));
  manager = sr_tx_manager_new (s.rpc, s.store, s.chain_id, from, sign_through_agent, &s, NULL);
  sr_rewards_claim_async (s.registry, s.rpc, s.store, s.network, manager, batch, NULL, on_result, &r_claim);
  claimed = sr_rewards_claim_finish (await (&r_claim), error);
  if (claimed == NULL)
    return 1;
  amount = sr_catalog_format_units (claimed->amount, 18);
  fprintf (stderr, _("Collected %s SEED (receipts: %u, transactions: %u).\n"), amount,
           claimed->n_receipts, claimed->n_transactions);
  printf ("%s\n", claimed->amount);
  return 0;
}

static int
run (gboolean claim, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  Args a = { 0 };
  int status = 2;
  GOptionEntry common[] = {
    { "rpc-url", 0, 0, G_OPTION_ARG_STRING, &a.rpc_url, N_("The Ethereum JSON-RPC endpoint (default: the network profile)"), N_("URL") },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &a.registry, N_("The SeedreelRegistry contract (default: the network profile)"), N_("ADDRESS") },
    { "account", 'a', 0, G_OPTION_ARG_STRING, &a.account, N_("The seeding account (default: the first)"), N_("ADDRESS") },
    { NULL }
  };
  GOptionEntry rewards[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &a.json, N_("Print JSON"), NULL },
    { NULL }
  };
  GOptionEntry claiming[] = {
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &a.password_file, N_("Read the password from FILE instead of the terminal"), N_("FILE") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &a.yes, N_("Do not ask for confirmation"), NULL },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &a.batch_size, N_("Receipts per transaction (default: 100)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, claim ? _("Collect the seeding rewards that the receipts held can claim")
                                               : _("Show the seeding rewards earned, pending and collected"));
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, claim ? claiming : rewards, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    fprintf (stderr, "%s\n", error->message);
  else if (argc != 1)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
    }
  else
    {
      status = claim ? cmd_claim (&a, &error) : cmd_rewards (&a, &error);
      if (error != NULL)
        fprintf (stderr, _("Error: %s\n"), error->message);
    }
  args_clear (&a);
  return status;
}

int
sr_cli_rewards_main (int argc, char **argv)
{
  return run (FALSE, argc, argv);
}

int
sr_cli_claim_main (int argc, char **argv)
{
  return run (TRUE, argc, argv);
}
