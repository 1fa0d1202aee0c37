/* sr-cli-market.c: `seedreel-cli catalog` lists the titles published on the
 * network (synced into the library database like the app does, so a run
 * after another only reads the new blocks) and `seedreel-cli buy` buys a
 * view of one. Buying goes through SrTxManager (recorded before broadcast)
 * and asks on the terminal, for each transaction, after showing the
 * signer's own summary of it (unless --yes). `seedreel-cli publish`
 * prepares a folder of renditions through SrPublisher (encrypted when the
 * title is paid), seeds it, records it on chain after one confirmation, and
 * keeps seeding and handing the key to buyers until stopped. Results go to
 * stdout, questions and progress to stderr.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
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
#include "crypto/sr-content-cipher.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "market/sr-catalog.h"
#include "market/sr-content-keys.h"
#include "market/sr-key-exchange.h"
#include "market/sr-publisher.h"
#include "market/sr-purchase.h"
#include "market/sr-seeding.h"
#include "store/sr-store.h"
#include "torrent/sr-torrent-session.h"

#include "sr-cli-market.h"
#include "sr-cli-transcode.h"

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
  SrCatalogTitle *title;      /* NULL when publishing */
  const char *publish_title;
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
  to = to_text != NULL ? g_strdup (to_text) : g_strdup ("?");
  if (ctx->title == NULL)
    fprintf (stderr, _("Publish “%s” on the registry:\n"), ctx->publish_title);
  else
    {
      price = sr_catalog_title_dup_price_text (ctx->title);
      if (call->to_registry)
        fprintf (stderr, _("Buy a view of “%s” for %s SEED:\n"), sr_catalog_title_get_title (ctx->title), price);
      else
        fprintf (stderr, _("First allow the registry to take %s SEED from this account:\n"), price);
    }
  fprintf (stderr, "  %-10s %s\n", _("To:"), to);
  fprintf (stderr, "  %-10s %s\n", _("From:"), ctx->address);
  fprintf (stderr, "  %-10s %s (%" G_GUINT64_FORMAT ")\n", _("Network:"),
           chain_id == ctx->net->chain_id ? ctx->net->name : _("Unknown network"), chain_id);
  fprintf (stderr, "  %-10s %s ETH\n", _("Max fee:"), fee);
  if (!ctx->yes && !confirm (ctx->title == NULL ? _("Sign? [y/N]")
                             : call->to_registry ? _("Buy? [y/N]") : _("Approve? [y/N]")))
    {
      g_task_return_new_error (call->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               ctx->title == NULL ? _("Not published: you declined") : _("Not bought: you declined"));
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

/* The wallet agent, and the account it signs for (--account or the first). */
static SrSigner *
spawn_for_account (const Options  *o,
                   char          **address,
                   guint8          from[SR_ADDRESS_LEN],
                   GError        **error)
{
  g_autoptr(SrSigner) signer = sr_signer_spawn (NULL, error);

  if (signer == NULL)
    return NULL;
  *address = resolve_account (signer, o, error);
  if (*address == NULL || !sr_address_parse (*address, from, error))
    return NULL;
  return g_steal_pointer (&signer);
}

/* The password first: a wrong one must stop everything before any fee is spent. */
static gboolean
unlock_account (SrSigner       *signer,
                const Options  *o,
                const char     *address,
                GError        **error)
{
  g_autofree char *password = read_password (o, error);
  g_autoptr(GAsyncResult) result = NULL;

  if (password == NULL)
    return FALSE;
  sr_signer_unlock_async (signer, address, password, UNLOCK_IDLE_S, NULL, store_result, &result);
  return sr_signer_unlock_finish (signer, wait_for (&result), error);
}

/* Buys a view of @title after one confirmation, unless the account has
 * one; returns the view id. @unlocked says whether the account was
 * unlocked on the way. */
static char *
buy_title (const Options  *o,
           const Network  *net,
           SrRpcClient    *rpc,
           SrSigner       *signer,
           const char     *address,
           const guint8    from[SR_ADDRESS_LEN],
           SrCatalog      *catalog,
           SrStore        *store,
           guint64         chain_id,
           SrCatalogTitle *title,
           gboolean       *unlocked,
           GError        **error)
{
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(GAsyncResult) r_buy = NULL;
  g_autofree char *price = NULL, *share = NULL, *registry_text = NULL;
  char *view_id;
  guint8 token[SR_ADDRESS_LEN];
  BuyContext ctx = { 0 };

  *unlocked = FALSE;
  if (sr_catalog_title_get_purchased (title))
    {
      fprintf (stderr, _("You already bought a view of “%s”.\n"), sr_catalog_title_get_title (title));
      return g_strdup (sr_catalog_title_get_view_id (title));
    }
  if (net->token == NULL || !sr_address_parse (net->token, token, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("This network has no SEED token address: start the devnet (tools/devnet) or pass --token ADDRESS"));
      return NULL;
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

  if (!unlock_account (signer, o, address, error))
    return NULL;
  *unlocked = TRUE;

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
    return NULL;
  sr_catalog_note_purchase (catalog, sr_catalog_title_get_content_id (title), view_id);
  fprintf (stderr, _("Bought: view %s of “%s”.\n"), view_id, sr_catalog_title_get_title (title));
  return view_id;
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
  g_autofree char *address = NULL, *view_id = NULL;
  guint8 from[SR_ADDRESS_LEN], token[SR_ADDRESS_LEN], id[SR_U256_LEN];
  guint64 chain_id = 0;
  gboolean unlocked;
  SrCatalogTitle *title;

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
  signer = spawn_for_account (o, &address, from, error);
  if (signer == NULL)
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
  view_id = buy_title (o, net, rpc, signer, address, from, catalog, store, chain_id, title, &unlocked, error);
  if (view_id == NULL)
    return 1;
  printf ("%s\n", view_id);
  return 0;
}

/* ---- publish ---------------------------------------------------------- */

typedef struct {
  char *title;
  char *description;
  char *price;
  double share_percent;
  char *output;
  char *listen;
  char **peers;
  gboolean no_seed;
  char *worker;
  char *token_file;
} PublishOptions;

static void
publish_options_clear (PublishOptions *p)
{
  g_free (p->title);
  g_free (p->description);
  g_free (p->price);
  g_free (p->output);
  g_free (p->listen);
  g_strfreev (p->peers);
  g_free (p->worker);
  g_free (p->token_file);
}

/* "12.5" SEED → base units (18 decimals). */
static gboolean
parse_price (const char  *text,
             guint8       price[SR_U256_LEN],
             GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *p = text;
  int decimals = -1;

  for (; *p != '\0'; p++)
    {
      if (*p == '.' && decimals < 0)
        decimals = 0;
      else if (g_ascii_isdigit (*p) && decimals < 18)
        {
          g_string_append_c (digits, *p);
          if (decimals >= 0)
            decimals++;
        }
      else
        break;
    }
  if (*p != '\0' || digits->len == 0 || digits->len > 60)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a price (a number of SEED such as 2.5, at most 18 decimals)"), text);
      return FALSE;
    }
  for (int i = decimals < 0 ? 0 : decimals; i < 18; i++)
    g_string_append_c (digits, '0');
  return sr_u256_parse (digits->str, price, error);
}

static char *
info_title (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "info.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), "title", NULL));
}

typedef struct {
  SrTorrent *torrent;
  char **peers;
} Dialer;

static gboolean
is_listening (const char *address)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 1);
  connection = g_socket_client_connect_to_host (client, address, 0, NULL, NULL);
  return connection != NULL;
}

/* Peers named on the command line are dialled until they hold the title
 * too: a viewer adds the torrent only after it has bought its view. A peer
 * is dialled only while something listens at its address: libtorrent stops
 * retrying an address after a few failed attempts, and a viewer's client
 * often starts listening just as it adds the title. */
static gboolean
dial_peers (gpointer user_data)
{
  Dialer *d = user_data;

  for (guint i = 0; d->peers != NULL && d->peers[i] != NULL; i++)
    if (is_listening (d->peers[i]))
      sr_torrent_connect_peer (d->torrent, d->peers[i], NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_key_served (SrKeyExchange *exchange,
               const char    *address,
               const char    *view_id,
               gpointer       user_data)
{
  fprintf (stderr, _("Sent the key to %s (view %s).\n"), address, view_id);
}

static void
on_receipt_stored (SrSeeding  *seeding,
                   SrTorrent  *torrent,
                   const char *peer,
                   const char *view_id,
                   guint64     bytes,
                   gpointer    user_data)
{
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);

  fprintf (stderr, _("Receipt from %s: view %s, %s bytes seeded.\n"), peer, view_id, count);
}

/* Every title in the session gets its key exchange and its receipts; the
 * creator's own key is kept sealed to its account. */
/* A loopback address keeps the swarm private (tests, demos). */
static void
session_options (const char              *listen,
                 SrTorrentSessionOptions *so,
                 char                   **outgoing)
{
  if (listen != NULL && g_str_has_prefix (listen, "127."))
    {
      sr_torrent_session_options_init_loopback (so);
      *outgoing = g_strndup (listen, strcspn (listen, ":"));
      so->outgoing_interfaces = *outgoing;
    }
  else
    {
      memset (so, 0, sizeof *so);
      so->enable_dht = so->enable_lsd = so->enable_upnp = so->enable_natpmp = so->enable_utp = TRUE;
    }
  so->listen_interfaces = listen;
}

static SrSeeding *
start_seeding (SrTorrentSession  *session,
               SrRegistry        *registry,
               SrStore           *store,
               guint64            chain_id,
               const guint8       from[SR_ADDRESS_LEN],
               SrSigner          *signer)
{
  g_autofree char *network = sr_catalog_network_key (chain_id, sr_registry_get_address (registry));

  SrSeeding *seeding = sr_seeding_new (session, registry, store, network, chain_id, from, signer);

  g_signal_connect (seeding, "receipt-stored", G_CALLBACK (on_receipt_stored), NULL);
  return seeding;
}

static int
cmd_publish (const Options        *o,
             const PublishOptions *p,
             const Network        *net,
             const char           *folder,
             GError              **error)
{
  g_autoptr(SrSigner) signer = NULL;
  g_autoptr(SrRpcClient) rpc = sr_rpc_client_new (net->rpc_url);
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(SrPublication) pub = NULL;
  g_autoptr(SrTorrentSession) session = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autoptr(SrSeeding) seeding = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GAsyncResult) r_chain = NULL, r_prepare = NULL, r_publish = NULL, r_shutdown = NULL, r_key = NULL;
  g_autofree char *address = NULL, *title = NULL, *output = NULL, *save_path = NULL;
  g_autofree char *price_text = NULL, *share = NULL, *size = NULL, *store_path = NULL, *store_dir = NULL;
  g_autofree char *content_id_text = NULL, *outgoing = NULL, *price_dec = NULL;
  guint8 from[SR_ADDRESS_LEN], registry_address[SR_ADDRESS_LEN], price[SR_U256_LEN], content_id[SR_U256_LEN];
  guint64 chain_id = 0;
  guint16 share_bps;
  SrTorrentSessionOptions so;
  SrTorrentAddOptions ao = { 0 };
  SrTorrent *torrent;
  BuyContext ctx = { 0 };
  Dialer dialer = { 0 };
  guint dial_id = 0, int_id, term_id;

  if (!parse_price (p->price != NULL ? p->price : "0", price, error))
    return 2;
  if (p->share_percent < 0 || p->share_percent > 100)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The seeder share is a percentage from 0 to 100"));
      return 2;
    }
  share_bps = (guint16) (p->share_percent * 100 + 0.5);
  title = p->title != NULL ? g_strdup (p->title) : info_title (folder);
  if (title == NULL || title[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” has no info.json with a title: give one with --title"), folder);
      return 2;
    }
  if (net->registry == NULL || !sr_address_parse (net->registry, registry_address, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("This network has no registry address: start the devnet (tools/devnet) or pass --registry ADDRESS"));
      return 1;
    }
  signer = spawn_for_account (o, &address, from, error);
  if (signer == NULL)
    return 1;
  sr_rpc_client_get_chain_id_async (rpc, NULL, store_result, &r_chain);
  if (!sr_rpc_client_get_chain_id_finish (rpc, wait_for (&r_chain), &chain_id, error))
    return 1;

  /* Encrypting and hashing come first: the summary states the size. */
  output = p->output != NULL ? g_strdup (p->output)
                             : g_build_filename (g_get_user_data_dir (), "seedreel", "published", NULL);
  fprintf (stderr, _("Preparing “%s”…\n"), title);
  sr_publisher_prepare_async (folder, output, title, p->description, !sr_u256_is_zero (price), NULL,
                              store_result, &r_prepare);
  pub = sr_publisher_prepare_finish (wait_for (&r_prepare), error);
  if (pub == NULL)
    return 1;

  price_dec = sr_u256_to_decimal (price);
  price_text = sr_catalog_format_units (price_dec, 18);
  share = share_text (share_bps);
  size = g_format_size (pub->content_size);
  fprintf (stderr, "%s\n", _("About to publish:"));
  fprintf (stderr, "  %-14s %s\n", _("Title:"), title);
  fprintf (stderr, "  %-14s %s (%s)\n", _("Content:"), pub->folder, size);
  fprintf (stderr, "  %-14s %s\n", _("Encrypted:"), pub->key != NULL ? _("yes, a paid title") : _("no, a free title"));
  fprintf (stderr, "  %-14s %s SEED\n", _("Price:"), price_text);
  fprintf (stderr, "  %-14s %s\n", _("Seeder share:"), share);
  fprintf (stderr, "  %-14s %s\n", _("Registry:"), net->registry);
  fprintf (stderr, "  %-14s %s (%" G_GUINT64_FORMAT ")\n", _("Network:"),
           chain_id == net->chain_id ? net->name : _("Unknown network"), chain_id);
  if (!o->yes && !confirm (_("Publish? [y/N]")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not published: you declined"));
      return 1;
    }

  if (!unlock_account (signer, o, address, error))
    return 1;

  /* Seeding starts before the title is on chain: its first viewer may be quick. */
  session_options (p->listen, &so, &outgoing);
  session = sr_torrent_session_new (&so, error);
  if (session == NULL)
    return 1;
  save_path = g_path_get_dirname (pub->folder);
  ao.torrent = pub->torrent;
  ao.save_path = save_path;
  ao.flags = SR_TORRENT_ADD_SEED_MODE;
  torrent = sr_torrent_session_add (session, &ao, error);
  if (torrent == NULL)
    return 1;

  store_path = sr_store_default_path ();
  store_dir = g_path_get_dirname (store_path);
  g_mkdir_with_parents (store_dir, 0700);
  store = sr_store_open (store_path, error);
  if (store == NULL)
    return 1;
  ctx.signer = signer;
  ctx.address = address;
  ctx.net = net;
  ctx.publish_title = title;
  ctx.registry = registry_address;
  ctx.yes = o->yes;
  manager = sr_tx_manager_new (rpc, store, chain_id, from, sign_with_signer, &ctx, NULL);
  sr_tx_manager_set_poll_interval (manager, 200);
  sr_publisher_publish_async (manager, rpc, registry_address, pub, price, share_bps, NULL, store_result, &r_publish);
  if (!sr_publisher_publish_finish (wait_for (&r_publish), content_id, error))
    return 1;
  content_id_text = sr_u256_to_decimal (content_id);

  registry = sr_registry_new (rpc, registry_address);
  seeding = start_seeding (session, registry, store, chain_id, from, signer);
  {
    g_autofree char *infohash = sr_hex_encode_bare (pub->infohash, sizeof pub->infohash);
    sr_seeding_add_title (seeding, content_id_text, infohash);
  }
  if (pub->key != NULL)
    {
      g_autoptr(GError) key_error = NULL;

      sr_seeding_add_key_async (seeding, torrent, pub->key, NULL, store_result, &r_key);
      if (!sr_seeding_add_key_finish (seeding, wait_for (&r_key), &key_error))
        fprintf (stderr, _("Warning: the title’s key was not saved in the library: %s\n"), key_error->message);
      if (sr_seeding_get_key_exchange (seeding, torrent) != NULL)
        g_signal_connect (sr_seeding_get_key_exchange (seeding, torrent), "key-served",
                          G_CALLBACK (on_key_served), NULL);
    }
  fprintf (stderr, _("Published “%s” as title %s.\n"), title, content_id_text);
  printf ("%s\n", content_id_text);
  fflush (stdout);

  if (!p->no_seed)
    {
      loop = g_main_loop_new (NULL, FALSE);
      while (sr_torrent_session_get_listen_port (session) == 0)
        g_main_context_iteration (NULL, TRUE);
      fprintf (stderr, "listen-port: %u\n", sr_torrent_session_get_listen_port (session));
      fprintf (stderr, "%s\n", _("Seeding; press Ctrl+C to stop."));
      dialer.torrent = torrent;
      dialer.peers = p->peers;
      if (p->peers != NULL)
        {
          dial_peers (&dialer);
          dial_id = g_timeout_add_seconds (2, dial_peers, &dialer);
        }
      int_id = g_unix_signal_add (SIGINT, quit_loop, loop);
      term_id = g_unix_signal_add (SIGTERM, quit_loop, loop);
      g_main_loop_run (loop);
      g_source_remove (int_id);
      g_source_remove (term_id);
      g_clear_handle_id (&dial_id, g_source_remove);
    }
  g_clear_object (&seeding);
  sr_torrent_session_shutdown_async (session, NULL, store_result, &r_shutdown);
  sr_torrent_session_shutdown_finish (session, wait_for (&r_shutdown), NULL);
  return 0;
}

/* ---- watch ------------------------------------------------------------ */

typedef struct {
  char *output;
  char *listen;
  char *download_dir;
  char **peers;
} WatchOptions;

static void
watch_options_clear (WatchOptions *w)
{
  g_free (w->output);
  g_free (w->listen);
  g_free (w->download_dir);
  g_strfreev (w->peers);
}

/* An id from the catalog, or the infohash it was published with. */
static SrCatalogTitle *
find_title (SrCatalog  *catalog,
            const char *which)
{
  guint8 id[SR_U256_LEN];
  const char *hash = g_str_has_prefix (which, "0x") ? which + 2 : which;

  if (strlen (hash) == 64)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
        {
          g_autoptr(SrCatalogTitle) title = g_list_model_get_item (G_LIST_MODEL (catalog), i);

          if (g_ascii_strcasecmp (sr_catalog_title_get_infohash (title), hash) == 0)
            return title;
        }
      return NULL;
    }
  if (!sr_u256_parse (which, id, NULL) || sr_u256_is_zero (id))
    return NULL;
  {
    g_autofree char *canonical = sr_u256_to_decimal (id);
    return sr_catalog_lookup (catalog, canonical);
  }
}

/* The largest rendition is the one a viewer watches. */
static guint
main_file (SrTorrent *torrent)
{
  guint best = 0;
  guint64 best_size = 0;

  for (guint i = 0; i < sr_torrent_get_n_files (torrent); i++)
    {
      g_autofree char *path = sr_torrent_dup_file_path (torrent, i);

      if (path != NULL && g_str_has_suffix (path, ".mp4") && sr_torrent_get_file_size (torrent, i) >= best_size)
        {
          best = i;
          best_size = sr_torrent_get_file_size (torrent, i);
        }
    }
  return best;
}

/* Writes the rendition as it plays: decrypted under @key (NULL for a free
 * title). */
static gboolean
write_rendition (SrTorrent  *torrent,
                 guint       index,
                 GBytes     *key,
                 const char *output,
                 GError    **error)
{
  g_autofree char *inner = sr_torrent_dup_file_path (torrent, index);
  g_autofree char *path = g_build_filename (sr_torrent_get_save_path (torrent), inner, NULL);
  g_autoptr(GFile) in_file = g_file_new_for_path (path);
  g_autoptr(GFile) out_file = g_file_new_for_commandline_arg (output);
  g_autoptr(GFileInputStream) in = g_file_read (in_file, NULL, error);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autofree guint8 *buf = g_malloc (1 << 20);
  guint8 nonce[SR_CONTENT_NONCE_LEN];
  guint64 offset = 0;
  gssize n;

  if (in == NULL)
    return FALSE;
  out = g_file_replace (out_file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (out == NULL)
    return FALSE;
  if (key != NULL)
    sr_content_cipher_derive_nonce (inner, nonce);
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, 1 << 20, NULL, error)) > 0)
    {
      if (key != NULL)
        sr_content_cipher_xor (g_bytes_get_data (key, NULL), nonce, offset, buf, buf, (gsize) n);
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), buf, (gsize) n, NULL, NULL, error))
        return FALSE;
      offset += (guint64) n;
    }
  return n == 0 && g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error);
}

static void
on_receipt_acknowledged (SrReceipts *receipts,
                         const char *seeder,
                         guint64     bytes,
                         gpointer    user_data)
{
  g_hash_table_replace (user_data, g_strdup (seeder), g_memdup2 (&bytes, sizeof bytes));
}

static gboolean
stop_waiting (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_CONTINUE;
}

static int
cmd_watch (const Options      *o,
           const WatchOptions *w,
           const Network      *net,
           const char         *which,
           GError            **error)
{
  g_autoptr(SrSigner) signer = NULL;
  g_autoptr(SrRpcClient) rpc = sr_rpc_client_new (net->rpc_url);
  g_autoptr(SrCatalog) catalog = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrTorrentSession) session = NULL;
  g_autoptr(SrRegistry) registry = NULL;
  g_autoptr(SrSeeding) seeding = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GAsyncResult) r_key = NULL, r_flush = NULL, r_shutdown = NULL;
  g_autoptr(GError) flush_error = NULL;
  g_autofree char *address = NULL, *view_id_text = NULL, *magnet = NULL, *outgoing = NULL;
  g_autofree char *download_dir = NULL;
  guint8 from[SR_ADDRESS_LEN], view_id[SR_U256_LEN], key_check[SR_KEY_CHECK_LEN];
  guint64 chain_id = 0;
  gboolean unlocked = FALSE, paid, interrupted = FALSE;
  SrTorrentSessionOptions so;
  SrTorrentAddOptions ao = { 0 };
  SrCatalogTitle *title;
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SrTorrent *torrent;
  Dialer dialer = { 0 };
  guint dial_id = 0, int_id, term_id;
  int status = 0;

  signer = spawn_for_account (o, &address, from, error);
  if (signer == NULL)
    return 1;
  catalog = open_catalog (net, rpc, from, &chain_id, &store, error);
  if (catalog == NULL)
    return 1;
  title = find_title (catalog, which);
  if (title == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No title %s is published on this network (see “seedreel-cli catalog”)"), which);
      return 1;
    }
  paid = sr_catalog_title_get_key_check (title, key_check);
  view_id_text = buy_title (o, net, rpc, signer, address, from, catalog, store, chain_id, title, &unlocked, error);
  if (view_id_text == NULL)
    return 1;
  if (!sr_u256_parse (view_id_text, view_id, error))
    return 1;
  /* Receipts and the key are signed by the wallet agent. */
  if (!unlocked && !unlock_account (signer, o, address, error))
    return 1;

  session_options (w->listen, &so, &outgoing);
  download_dir = w->download_dir != NULL ? g_strdup (w->download_dir) : sr_torrent_session_default_download_dir ();
  g_mkdir_with_parents (download_dir, 0700);
  so.download_dir = download_dir;
  session = sr_torrent_session_new (&so, error);
  if (session == NULL)
    return 1;
  registry = sr_registry_new (rpc, sr_catalog_get_registry (catalog));
  seeding = start_seeding (session, registry, store, chain_id, from, signer);
  magnet = sr_catalog_title_dup_magnet (title);
  ao.magnet = magnet;
  ao.save_path = download_dir;
  ao.peers = (const char * const *) w->peers;
  ao.flags = SR_TORRENT_ADD_SEQUENTIAL;
  torrent = sr_torrent_session_add (session, &ao, error);
  if (torrent == NULL)
    return 1;
  if (!sr_seeding_start_viewing (seeding, torrent, view_id, error))
    return 1;
  g_signal_connect (sr_seeding_get_receipts (seeding, torrent), "receipt-acknowledged",
                    G_CALLBACK (on_receipt_acknowledged), acknowledged);
  dialer.torrent = torrent;
  dialer.peers = w->peers;
  if (w->peers != NULL)
    dial_id = g_timeout_add_seconds (2, dial_peers, &dialer);
  int_id = g_unix_signal_add (SIGINT, stop_waiting, &interrupted);
  term_id = g_unix_signal_add (SIGTERM, stop_waiting, &interrupted);

  fprintf (stderr, _("Fetching “%s”…\n"), sr_catalog_title_get_title (title));
  if (paid)
    {
      sr_seeding_fetch_key_async (seeding, torrent, view_id, key_check, NULL, store_result, &r_key);
      key = sr_seeding_fetch_key_finish (seeding, wait_for (&r_key), error);
      if (key == NULL)
        status = 1;
      else
        fprintf (stderr, "%s\n", _("Received the title’s key."));
    }
  while (status == 0 && !interrupted && sr_torrent_get_progress (torrent) < 1.0)
    {
      if (sr_torrent_get_error_message (torrent) != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", sr_torrent_get_error_message (torrent));
          status = 1;
        }
      else
        g_main_context_iteration (NULL, TRUE);
    }
  if (interrupted && status == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Stopped before the whole title arrived"));
      status = 1;
    }
  if (status == 0)
    {
      guint index = main_file (torrent);
      g_autofree char *size = g_format_size (sr_torrent_get_file_size (torrent, index));
      g_autofree char *inner = sr_torrent_dup_file_path (torrent, index);

      fprintf (stderr, _("All of “%s” arrived and matches its hashes (%s).\n"), inner, size);
      if (w->output != NULL && !write_rendition (torrent, index, key, w->output, error))
        status = 1;
      else if (w->output != NULL)
        printf ("%s\n", w->output);
    }

  /* What arrived is paid for with receipts, even when the download stopped. */
  sr_seeding_flush_async (seeding, torrent, 30, NULL, store_result, &r_flush);
  if (!sr_seeding_flush_finish (seeding, wait_for (&r_flush), &flush_error))
    fprintf (stderr, _("Warning: %s\n"), flush_error->message);
  {
    GHashTableIter iter;
    gpointer seeder, bytes;

    g_hash_table_iter_init (&iter, acknowledged);
    while (g_hash_table_iter_next (&iter, &seeder, &bytes))
      {
        g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, *(guint64 *) bytes);

        fprintf (stderr, _("Receipt for %s bytes acknowledged by %s.\n"), count, (const char *) seeder);
      }
  }

  g_source_remove (int_id);
  g_source_remove (term_id);
  g_clear_handle_id (&dial_id, g_source_remove);
  g_clear_object (&seeding);
  sr_torrent_session_shutdown_async (session, NULL, store_result, &r_shutdown);
  sr_torrent_session_shutdown_finish (session, wait_for (&r_shutdown), NULL);
  return status;
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

/* `publish FILE --worker URL`: the video goes through the worker first
 * (upload, every rendition, every check); the checked folder it leaves is
 * what is published. Returns that folder. */
static char *
transcode_for_publish (const PublishOptions *p,
                       const char           *file,
                       GError              **error)
{
  g_autofree char *token = NULL, *base = NULL, *title = NULL, *dir_name = NULL, *path = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autoptr(GFile) out_dir = NULL;
  char *dot;

  if (g_file_test (file, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("With --worker, give a video file to transcode, not the folder “%s”"), file);
      return NULL;
    }
  if (p->token_file != NULL)
    {
      if (!g_file_get_contents (p->token_file, &token, NULL, error))
        return NULL;
      g_strstrip (token);
    }
  else if (g_getenv ("SEEDREEL_WORKER_TOKEN") != NULL)
    token = g_strdup (g_getenv ("SEEDREEL_WORKER_TOKEN"));
  base = g_path_get_basename (file);
  title = g_strdup (p->title != NULL ? p->title : base);
  if (p->title == NULL && (dot = strrchr (title, '.')) != NULL && dot != title)
    *dot = '\0';
  g_strdelimit (base, "/\\:", '_');
  dir_name = g_strdup_printf ("%s-%s", base, stamp);
  path = g_build_filename (g_get_user_data_dir (), "seedreel", "created", dir_name, NULL);
  out_dir = g_file_new_for_path (path);
  fprintf (stderr, _("Transcoding “%s” on %s…\n"), file, p->worker);
  if (!sr_cli_transcode_run (p->worker, token, file, out_dir, title, p->description, 0, stderr, error))
    return NULL;
  return g_steal_pointer (&path);
}

int
sr_cli_publish_main (int argc, char **argv)
{
  Options o = { 0 };
  PublishOptions p = { 0 };
  Network net = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  int status = 2;
  GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &p.title, N_("The title (default: the one in info.json)"), N_("TEXT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &p.description, N_("The description (default: the one in info.json)"), N_("TEXT") },
    { "price", 0, 0, G_OPTION_ARG_STRING, &p.price, N_("The price of one view in SEED; above 0 the renditions are encrypted (default: 0, a free title)"), N_("SEED") },
    { "seeder-share", 0, 0, G_OPTION_ARG_DOUBLE, &p.share_percent, N_("The percentage of each view’s price that goes to the peers who seeded it (default: 10)"), N_("PERCENT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &p.output, N_("Where the torrent’s folder is written (default: ~/.local/share/seedreel/published)"), N_("DIR") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &p.listen, N_("Seed on ADDRESS:PORT (port 0 picks a free one); loopback turns off DHT, LSD, UPnP, NAT-PMP and uTP"), N_("ADDRESS:PORT") },
    { "peer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &p.peers, N_("Also connect to this peer, again until it holds the title (repeatable)"), N_("ADDRESS:PORT") },
    { "no-seed", 0, 0, G_OPTION_ARG_NONE, &p.no_seed, N_("Exit once the title is published instead of seeding it"), NULL },
    { "worker", 'w', 0, G_OPTION_ARG_STRING, &p.worker, N_("Transcode FILE on this worker first, check every rendition, then publish them"), N_("URL") },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &p.token_file, N_("Read the worker’s access token from FILE (default: SEEDREEL_WORKER_TOKEN)"), N_("FILE") },
    { "rpc-url", 0, 0, G_OPTION_ARG_STRING, &o.rpc_url, N_("The Ethereum JSON-RPC endpoint (default: the network profile)"), N_("URL") },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &o.registry, N_("The SeedreelRegistry contract (default: the network profile)"), N_("ADDRESS") },
    { "account", 'a', 0, G_OPTION_ARG_STRING, &o.account, N_("The creator’s account (default: the first)"), N_("ADDRESS") },
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &o.password_file, N_("Read the password from FILE instead of the terminal"), N_("FILE") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &o.yes, N_("Do not ask for confirmation"), NULL },
    { NULL }
  };

  p.share_percent = 10;
  context = g_option_context_new (_("FOLDER | --worker URL FILE"));
  g_option_context_set_summary (context, _("Publish a folder of ready-made renditions (*.mp4), poster.jpg and info.json: "
                                           "encrypt it if it is paid, make its torrent, seed it and record it on chain"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    fprintf (stderr, "%s\n", error->message);
  else if (argc != 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
    }
  else
    {
      g_autofree char *folder = p.worker != NULL ? transcode_for_publish (&p, argv[1], &error) : g_strdup (argv[1]);

      network_load (&net, &o);
      status = folder != NULL ? cmd_publish (&o, &p, &net, folder, &error) : 1;
      if (error != NULL)
        {
          fprintf (stderr, _("Error: %s\n"), error->message);
          if (status == 0)
            status = 1;
        }
      network_clear (&net);
    }
  publish_options_clear (&p);
  options_clear (&o);
  return status;
}

int
sr_cli_watch_main (int argc, char **argv)
{
  Options o = { 0 };
  WatchOptions w = { 0 };
  Network net = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  int status = 2;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &w.output, N_("Write the title’s main rendition, decrypted, to FILE (default: only check it)"), N_("FILE") },
    { "download-dir", 0, 0, G_OPTION_ARG_FILENAME, &w.download_dir, N_("Where the torrent is downloaded (default: the Videos folder)"), N_("DIR") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &w.listen, N_("Listen on ADDRESS:PORT (port 0 picks a free one); loopback turns off DHT, LSD, UPnP, NAT-PMP and uTP"), N_("ADDRESS:PORT") },
    { "peer", 0, 0, G_OPTION_ARG_STRING_ARRAY, &w.peers, N_("Also connect to this peer (repeatable)"), N_("ADDRESS:PORT") },
    { "rpc-url", 0, 0, G_OPTION_ARG_STRING, &o.rpc_url, N_("The Ethereum JSON-RPC endpoint (default: the network profile)"), N_("URL") },
    { "registry", 0, 0, G_OPTION_ARG_STRING, &o.registry, N_("The SeedreelRegistry contract (default: the network profile)"), N_("ADDRESS") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &o.token, N_("The SEED token contract (default: the network profile)"), N_("ADDRESS") },
    { "account", 'a', 0, G_OPTION_ARG_STRING, &o.account, N_("The viewer’s account (default: the first)"), N_("ADDRESS") },
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &o.password_file, N_("Read the password from FILE instead of the terminal"), N_("FILE") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &o.yes, N_("Buy without asking for confirmation"), NULL },
    { NULL }
  };

  context = g_option_context_new ("TITLE-ID|INFOHASH");
  g_option_context_set_summary (context, _("Watch a title: buy a view if needed, receive its key, download it all "
                                           "and sign seeding receipts to the peers who sent it"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    fprintf (stderr, "%s\n", error->message);
  else if (argc != 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
    }
  else
    {
      network_load (&net, &o);
      status = cmd_watch (&o, &w, &net, argv[1], &error);
      if (error != NULL)
        {
          fprintf (stderr, _("Error: %s\n"), error->message);
          if (status == 0)
            status = 1;
        }
      network_clear (&net);
    }
  watch_options_clear (&w);
  options_clear (&o);
  return status;
}
