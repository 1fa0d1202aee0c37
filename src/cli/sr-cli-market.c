/* sr-cli-market.c: `seedreel-cli catalog` lists the titles published on the
 * network (synced into the library database like the app does, so a run
 * after another only reads the new blocks) and `seedreel-cli buy` buys a
 * view of one. Buying goes through SrTxManager (recorded before broadcast)
 * and asks on the terminal, for each transaction, after showing the
 * signer's own summary of it (unless --yes). Results go to stdout,
 * questions and progress to stderr.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "chain/sr-network-profile.h"
#include "chain/sr-rpc-client.h"
#include "chain/sr-signer.h"
#include "chain/sr-tx-manager.h"
#include "crypto/sr-address.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "market/sr-purchase.h"
#include "store/sr-store.h"

#include "sr-cli-market.h"

#define UNLOCK_IDLE_S 120

typedef struct {
  char *rpc_url;
  char *registry;
  char *token;
  char *account;
  char *password_file;
  gboolean yes;
  gboolean json;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->rpc_url);
  g_free (o->registry);
  g_free (o->token);
  g_free (o->account);
  g_free (o->password_file);
}

typedef struct {
  char *name;
  char *rpc_url;
  guint64 chain_id;
  char *registry;
  char *token;
} Network;

static void
network_clear (Network *n)
{
  g_free (n->name);
  g_free (n->rpc_url);
  g_free (n->registry);
  g_free (n->token);
}

/* As `wallet` does: GSettings the user set, then the devnet's profile. */
static void
network_load (Network       *n,
              const Options *o)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL
    ? g_settings_schema_source_lookup (source, "org.seedreel.Seedreel.Network", TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(SrNetworkProfile) profile = NULL;
  g_autoptr(GVariant) user_url = NULL;
  g_autofree char *ini = g_build_filename (g_get_user_config_dir (), "seedreel", "networks", "devnet.ini", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  if (schema != NULL)
    {
      settings = g_settings_new_full (schema, NULL, NULL);
      profile = sr_network_profile_new_from_settings (settings);
      user_url = g_settings_get_user_value (settings, "rpc-url");
    }
  else
    profile = sr_network_profile_new ();
  n->name = g_strdup (sr_network_profile_get_name (profile));
  n->rpc_url = g_strdup (sr_network_profile_get_rpc_url (profile));
  n->chain_id = sr_network_profile_get_chain_id (profile);
  n->registry = g_strdup (sr_network_profile_get_registry_address (profile));
  n->token = g_strdup (sr_network_profile_get_token_address (profile));
  if (user_url == NULL && g_key_file_load_from_file (kf, ini, G_KEY_FILE_NONE, NULL))
    {
      g_autofree char *name = g_key_file_get_string (kf, "Network", "name", NULL);
      g_autofree char *url = g_key_file_get_string (kf, "Network", "rpc-url", NULL);
      g_autofree char *registry = g_key_file_get_string (kf, "Network", "registry-address", NULL);
      g_autofree char *token = g_key_file_get_string (kf, "Network", "token-address", NULL);
      guint64 chain_id = g_key_file_get_uint64 (kf, "Network", "chain-id", NULL);

      if (name != NULL)
        g_free (n->name), n->name = g_steal_pointer (&name);
      if (url != NULL)
        g_free (n->rpc_url), n->rpc_url = g_steal_pointer (&url);
      if (registry != NULL && registry[0] != '\0')
        g_free (n->registry), n->registry = g_steal_pointer (&registry);
      if (token != NULL && token[0] != '\0')
        g_free (n->token), n->token = g_steal_pointer (&token);
      if (chain_id != 0)
        n->chain_id = chain_id;
    }
  if (o->rpc_url != NULL)
    g_free (n->rpc_url), n->rpc_url = g_strdup (o->rpc_url);
  if (o->registry != NULL)
    g_free (n->registry), n->registry = g_strdup (o->registry);
  if (o->token != NULL)
    g_free (n->token), n->token = g_strdup (o->token);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  (void) source;
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The catalog of the network, synced up to the latest block. */
static SrCatalog *
open_catalog (const Network  *net,
              SrRpcClient    *rpc,
              const guint8   *account,
              guint64        *chain_id,
              SrStore       **store_out,
              GError        **error)
{
  g_autoptr(GAsyncResult) r_chain = NULL, r_sync = NULL;
  g_autofree char *store_path = NULL, *dir = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrCatalog) catalog = NULL;
  guint8 registry[SR_ADDRESS_LEN];

  if (net->registry == NULL || net->registry[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("This network has no registry address: start the devnet (tools/devnet) or pass --registry ADDRESS"));
      return NULL;
    }
  if (!sr_address_parse (net->registry, registry, error))
    {
      g_prefix_error (error, _("Registry: "));
      return NULL;
    }
  sr_rpc_client_get_chain_id_async (rpc, NULL, store_result, &r_chain);
  if (!sr_rpc_client_get_chain_id_finish (rpc, wait_for (&r_chain), chain_id, error))
    return NULL;
  store_path = sr_store_default_path ();
  dir = g_path_get_dirname (store_path);
  g_mkdir_with_parents (dir, 0700);
  store = sr_store_open (store_path, error);
  if (store == NULL)
    return NULL;
  catalog = sr_catalog_new (rpc, store, *chain_id, registry, account, error);
  if (catalog == NULL)
    return NULL;
  sr_catalog_sync_async (catalog, NULL, store_result, &r_sync);
  if (!sr_catalog_sync_finish (catalog, wait_for (&r_sync), error))
    return NULL;
  if (store_out != NULL)
    *store_out = g_steal_pointer (&store);
  return g_steal_pointer (&catalog);
}

static char *
share_text (guint bps)
{
  if (bps % 100 == 0)
    return g_strdup_printf ("%u %%", bps / 100);
  return g_strdup_printf ("%u.%02u %%", bps / 100, bps % 100);
}

static void
print_json (SrCatalog *catalog)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (catalog));

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrCatalogTitle) title = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      g_autofree char *price = sr_catalog_title_dup_price_text (title);
      const char * const *renditions = sr_catalog_title_get_renditions (title);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, sr_catalog_title_get_content_id (title));
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, sr_catalog_title_get_title (title));
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, sr_catalog_title_get_description (title));
      json_builder_set_member_name (builder, "duration");
      json_builder_add_double_value (builder, sr_catalog_title_get_duration (title));
      json_builder_set_member_name (builder, "renditions");
      json_builder_begin_array (builder);
      for (guint r = 0; renditions[r] != NULL; r++)
        json_builder_add_string_value (builder, renditions[r]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "price");
      json_builder_add_string_value (builder, price);
      json_builder_set_member_name (builder, "price_base_units");
      json_builder_add_string_value (builder, sr_catalog_title_get_price (title));
      json_builder_set_member_name (builder, "seeder_share_bps");
      json_builder_add_int_value (builder, sr_catalog_title_get_seeder_share_bps (title));
      json_builder_set_member_name (builder, "creator");
      json_builder_add_string_value (builder, sr_catalog_title_get_creator (title));
      json_builder_set_member_name (builder, "infohash");
      json_builder_add_string_value (builder, sr_catalog_title_get_infohash (title));
      json_builder_set_member_name (builder, "content_size");
      json_builder_add_int_value (builder, (gint64) sr_catalog_title_get_content_size (title));
      json_builder_set_member_name (builder, "block");
      json_builder_add_int_value (builder, (gint64) sr_catalog_title_get_block_number (title));
      json_builder_set_member_name (builder, "view_id");
      if (sr_catalog_title_get_view_id (title) != NULL)
        json_builder_add_string_value (builder, sr_catalog_title_get_view_id (title));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static int
cmd_catalog (const Options *o,
             const Network *net,
             GError       **error)
{
  g_autoptr(SrRpcClient) rpc = sr_rpc_client_new (net->rpc_url);
  g_autoptr(SrCatalog) catalog = NULL;
  guint64 chain_id = 0;
  guint n;

  catalog = open_catalog (net, rpc, NULL, &chain_id, NULL, error);
  if (catalog == NULL)
    return 1;
  if (o->json)
    {
      print_json (catalog);
      return 0;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (catalog));
  if (n == 0)
    {
      fprintf (stderr, "%s\n", _("No titles have been published on this network yet."));
      return 0;
    }
  /* One title per line, tab-separated: id, title, price, share, creator, infohash. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SrCatalogTitle) title = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      g_autofree char *price = sr_catalog_title_dup_price_text (title);
      g_autofree char *share = share_text (sr_catalog_title_get_seeder_share_bps (title));

      printf ("%s\t%s\t%s SEED\t%s\t%s\t%s%s\n", sr_catalog_title_get_content_id (title),
              sr_catalog_title_get_title (title), price, share, sr_catalog_title_get_creator (title),
              sr_catalog_title_get_infohash (title),
              sr_catalog_title_get_purchased (title) ? "\t*" : "");
    }
  return 0;
}

/* ---- buy -------------------------------------------------------------- */

typedef struct {
  SrSigner *signer;
  const char *address;
  const Network *net;
  SrCatalogTitle *title;
  const guint8 *registry;
  gboolean yes;
} BuyContext;

typedef struct {
  BuyContext *ctx;
  GTask *task;
  GVariant *tx;
  gboolean to_registry;
} SignCall;

static void
sign_call_free (SignCall *call)
{
  g_clear_object (&call->task);
  g_clear_pointer (&call->tx, g_variant_unref);
  g_free (call);
}

static gboolean
confirm (const char *question)
{
  char line[64];
  FILE *tty = fopen ("/dev/tty", "r+");
  FILE *in = tty != NULL ? tty : stdin;
  FILE *out = tty != NULL ? tty : stderr;
  gboolean yes;

  fprintf (out, "%s ", question);
  fflush (out);
  yes = fgets (line, sizeof line, in) != NULL && (line[0] == 'y' || line[0] == 'Y');
  if (tty != NULL)
    fclose (tty);
  return yes;
}

static void
signed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignCall *call = user_data;
  GError *error = NULL;
  GBytes *raw = sr_signer_sign_transaction_finish (SR_SIGNER (source), result, &error);

  if (raw == NULL)
    g_task_return_error (call->task, error);
  else
    g_task_return_pointer (call->task, raw, (GDestroyNotify) g_bytes_unref);
  sign_call_free (call);
}

static char *
fee_text (GVariant *summary)
{
  const char *max_fee = NULL;
  guint64 gas = 0, fee_per_gas = 0;
  guint8 per_gas[SR_U256_LEN], total[SR_U256_LEN] = { 0 };
  unsigned __int128 wide;
  g_autofree char *dec = NULL;

  g_variant_lookup (summary, "max-fee-per-gas", "&s", &max_fee);
  if (max_fee == NULL)
    g_variant_lookup (summary, "gas-price", "&s", &max_fee);
  g_variant_lookup (summary, "gas", "t", &gas);
  if (max_fee != NULL && sr_u256_parse (max_fee, per_gas, NULL) && sr_u256_bit_length (per_gas) <= 64)
    for (int i = 24; i < 32; i++)
      fee_per_gas = (fee_per_gas << 8) | per_gas[i];
  wide = (unsigned __int128) fee_per_gas * gas;
  for (int i = 31; i >= 16; i--, wide >>= 8)
    total[i] = (guint8) wide;
  dec = sr_u256_to_decimal (total);
  return sr_catalog_format_units (dec, 18);
}

static void
prepared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignCall *call = user_data;
  BuyContext *ctx = call->ctx;
  GError *error = NULL;
  g_autofree char *token = NULL, *fee = NULL, *price = NULL, *to = NULL;
  g_autoptr(GVariant) summary = sr_signer_prepare_transaction_finish (SR_SIGNER (source), result, &token, &error);
  const char *to_text = NULL;
  guint64 chain_id = 0;
  guint8 to_address[SR_ADDRESS_LEN];

  if (summary == NULL)
    {
      g_task_return_error (call->task, error);
      sign_call_free (call);
      return;
    }
  g_variant_lookup (summary, "chain-id", "t", &chain_id);
  g_variant_lookup (summary, "to", "&s", &to_text);
  call->to_registry = to_text != NULL && sr_address_parse (to_text, to_address, NULL) &&
                      memcmp (to_address, ctx->registry, SR_ADDRESS_LEN) == 0;
  fee = fee_text (summary);
  price = sr_catalog_title_dup_price_text (ctx->title);
  to = to_text != NULL ? g_strdup (to_text) : g_strdup ("?");
  if (call->to_registry)
    fprintf (stderr, _("Buy a view of “%s” for %s SEED:\n"), sr_catalog_title_get_title (ctx->title), price);
  else
    fprintf (stderr, _("First allow the registry to take %s SEED from this account:\n"), price);
  fprintf (stderr, "  %-10s %s\n", _("To:"), to);
  fprintf (stderr, "  %-10s %s\n", _("From:"), ctx->address);
  fprintf (stderr, "  %-10s %s (%" G_GUINT64_FORMAT ")\n", _("Network:"),
           chain_id == ctx->net->chain_id ? ctx->net->name : _("Unknown network"), chain_id);
  fprintf (stderr, "  %-10s %s ETH\n", _("Max fee:"), fee);
  if (!ctx->yes && !confirm (call->to_registry ? _("Buy? [y/N]") : _("Approve? [y/N]")))
    {
      g_task_return_new_error (call->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not bought: you declined"));
      sign_call_free (call);
      return;
    }
  sr_signer_sign_transaction_async (ctx->signer, ctx->address, call->tx, token,
                                    g_task_get_cancellable (call->task), signed_cb, call);
}

static void
sign_with_signer (const SrTx   *tx,
                  GCancellable *cancellable,
                  GTask        *task,
                  gpointer      user_data)
{
  BuyContext *ctx = user_data;
  SignCall *call = g_new0 (SignCall, 1);

  call->ctx = ctx;
  call->task = task;
  call->tx = g_variant_ref_sink (sr_signer_tx_to_variant (tx));
  sr_signer_prepare_transaction_async (ctx->signer, ctx->address, call->tx, cancellable, prepared_cb, call);
}

static void
progress_cb (SrPurchaseStage stage,
             const char     *hash,
             gpointer        user_data)
{
  if (stage == SR_PURCHASE_STAGE_APPROVING)
    fprintf (stderr, _("Approval sent (%s); waiting for it to be included…\n"), hash);
  else if (stage == SR_PURCHASE_STAGE_BUYING)
    fprintf (stderr, _("Purchase sent (%s); waiting for it to be included…\n"), hash);
}

static char *
resolve_account (SrSigner       *signer,
                 const Options  *o,
                 GError        **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  guint8 wanted[SR_ADDRESS_LEN];

  sr_signer_list_accounts_async (signer, NULL, store_result, &res);
  accounts = sr_signer_list_accounts_finish (signer, wait_for (&res), error);
  if (accounts == NULL)
    return NULL;
  if (o->account == NULL)
    {
      if (accounts->len == 0)
        {
          g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NO_SUCH_ACCOUNT,
                       _("There is no wallet yet: run “seedreel-cli wallet create” or “wallet import”"));
          return NULL;
        }
      return g_strdup (((SrSignerAccount *) accounts->pdata[0])->address);
    }
  if (!sr_address_parse (o->account, wanted, error))
    return NULL;
  for (guint i = 0; i < accounts->len; i++)
    {
      guint8 have[SR_ADDRESS_LEN];
      SrSignerAccount *account = accounts->pdata[i];

      if (sr_address_parse (account->address, have, NULL) && memcmp (have, wanted, SR_ADDRESS_LEN) == 0)
        return g_strdup (account->address);
    }
  g_set_error (error, SR_SIGNER_ERROR, SR_SIGNER_ERROR_NO_SUCH_ACCOUNT,
               _("No wallet holds the account %s"), o->account);
  return NULL;
}

static char *
read_password (const Options  *o,
               GError        **error)
{
  g_autofree char *contents = NULL;
  FILE *tty;
  struct termios saved, quiet;
  char line[1024];
  gboolean restore = FALSE;
  char *nl;

  if (o->password_file != NULL)
    {
      if (!g_file_get_contents (o->password_file, &contents, NULL, error))
        {
          g_prefix_error (error, _("Cannot read the password file: "));
          return NULL;
        }
      nl = strpbrk (contents, "\r\n");
      if (nl != NULL)
        *nl = '\0';
      return g_steal_pointer (&contents);
    }
  tty = fopen ("/dev/tty", "r+");
  if (tty == NULL)
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
  nl = strpbrk (line, "\r\n");
  if (nl != NULL)
    *nl = '\0';
  return g_strdup (line);
}

static int
cmd_buy (const Options *o,
         const Network *net,
         const char    *content_id,
         GError       **error)
{
  g_autoptr(SrSigner) signer = NULL;
  g_autoptr(SrRpcClient) rpc = sr_rpc_client_new (net->rpc_url);
  g_autoptr(SrCatalog) catalog = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(GAsyncResult) r_unlock = NULL, r_buy = NULL;
  g_autofree char *address = NULL, *password = NULL, *price = NULL, *share = NULL, *registry_text = NULL;
  g_autofree char *view_id = NULL;
  guint8 from[SR_ADDRESS_LEN], token[SR_ADDRESS_LEN], id[SR_U256_LEN];
  guint64 chain_id = 0;
  SrCatalogTitle *title;
  BuyContext ctx = { 0 };

  if (!sr_u256_parse (content_id, id, NULL) || sr_u256_is_zero (id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a title id (see “seedreel-cli catalog”)"), content_id);
      return 2;
    }
  if (net->token == NULL || !sr_address_parse (net->token, token, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("This network has no SEED token address: start the devnet (tools/devnet) or pass --token ADDRESS"));
      return 1;
    }
  signer = sr_signer_spawn (NULL, error);
  if (signer == NULL)
    return 1;
  address = resolve_account (signer, o, error);
  if (address == NULL || !sr_address_parse (address, from, error))
    return 1;
  catalog = open_catalog (net, rpc, from, &chain_id, &store, error);
  if (catalog == NULL)
    return 1;
  {
    g_autofree char *canonical = sr_u256_to_decimal (id);
    title = sr_catalog_lookup (catalog, canonical);
  }
  if (title == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No title %s is published on this network (see “seedreel-cli catalog”)"), content_id);
      return 1;
    }
  if (sr_catalog_title_get_purchased (title))
    {
      fprintf (stderr, _("You already bought a view of “%s”.\n"), sr_catalog_title_get_title (title));
      printf ("%s\n", sr_catalog_title_get_view_id (title));
      return 0;
    }

  price = sr_catalog_title_dup_price_text (title);
  share = share_text (sr_catalog_title_get_seeder_share_bps (title));
  registry_text = sr_address_to_checksum (sr_catalog_get_registry (catalog));
  fprintf (stderr, "%s\n", _("About to buy:"));
  fprintf (stderr, "  %-14s %s\n", _("Title:"), sr_catalog_title_get_title (title));
  fprintf (stderr, "  %-14s %s SEED\n", _("Price:"), price);
  fprintf (stderr, "  %-14s %s\n", _("Seeder share:"), share);
  fprintf (stderr, "  %-14s %s\n", _("Registry:"), registry_text);
  fprintf (stderr, "  %-14s %s (%" G_GUINT64_FORMAT ")\n", _("Network:"),
           chain_id == net->chain_id ? net->name : _("Unknown network"), chain_id);

  /* The password first: a wrong one must stop everything before any fee is spent. */
  password = read_password (o, error);
  if (password == NULL)
    return 1;
  sr_signer_unlock_async (signer, address, password, UNLOCK_IDLE_S, NULL, store_result, &r_unlock);
  if (!sr_signer_unlock_finish (signer, wait_for (&r_unlock), error))
    return 1;

  ctx.signer = signer;
  ctx.address = address;
  ctx.net = net;
  ctx.title = title;
  ctx.registry = sr_catalog_get_registry (catalog);
  ctx.yes = o->yes;
  manager = sr_tx_manager_new (rpc, store, chain_id, from, sign_with_signer, &ctx, NULL);
  sr_tx_manager_set_poll_interval (manager, 200);
  sr_purchase_buy_async (manager, rpc, sr_catalog_get_registry (catalog), token,
                         sr_catalog_title_get_content_id (title), sr_catalog_title_get_price (title),
                         progress_cb, NULL, NULL, store_result, &r_buy);
  view_id = sr_purchase_buy_finish (wait_for (&r_buy), error);
  if (view_id == NULL)
    return 1;
  sr_catalog_note_purchase (catalog, sr_catalog_title_get_content_id (title), view_id);
  fprintf (stderr, _("Bought: view %s of “%s”.\n"), view_id, sr_catalog_title_get_title (title));
  printf ("%s\n", view_id);
  return 0;
}

/* ---- entry points ----------------------------------------------------- */

static int
run (const char *command,
     int         argc,
     char      **argv)
{
  Options o = { 0 };
  Network net = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  gboolean buy = g_str_equal (command, "buy");
  int status = 1;
  GOptionEntry entries[] = {
    { "rpc-url", 0, 0, G_OPTION_ARG_STRING, &o.rpc_url, N_("The Ethereum JSON-RPC endpoint (default: the network profile)"), N_("URL") },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &o.registry, N_("The SeedreelRegistry contract (default: the network profile)"), N_("ADDRESS") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &o.token, N_("The SEED token contract (default: the network profile)"), N_("ADDRESS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("catalog: print JSON"), NULL },
    { "account", 'a', 0, G_OPTION_ARG_STRING, &o.account, N_("buy: the account that pays (default: the first)"), N_("ADDRESS") },
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &o.password_file, N_("buy: read the password from FILE instead of the terminal"), N_("FILE") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &o.yes, N_("buy: do not ask for confirmation"), NULL },
    { NULL }
  };

  context = g_option_context_new (buy ? "TITLE-ID" : NULL);
  g_option_context_set_summary (context, buy ? _("Buy a view of a title") : _("List the titles published on the network"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      options_clear (&o);
      return 2;
    }
  if (buy ? argc != 2 : argc != 1)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
      options_clear (&o);
      return 2;
    }
  network_load (&net, &o);
  status = buy ? cmd_buy (&o, &net, argv[1], &error) : cmd_catalog (&o, &net, &error);
  if (error != NULL)
    {
      fprintf (stderr, _("Error: %s\n"), error->message);
      if (status == 0)
        status = 1;
    }
  network_clear (&net);
  options_clear (&o);
  return status;
}

int
sr_cli_catalog_main (int argc, char **argv)
{
  return run ("catalog", argc, argv);
}

int
sr_cli_buy_main (int argc, char **argv)
{
  return run ("buy", argc, argv);
}
