/* sr-cli-wallet.c: `seedreel-cli wallet create|import|export|address|balance|send`.
 *
 * Keys never enter this process: every key operation goes to a
 * seedreel-signer agent spawned through SrSigner. Sends go through
 * SrTxManager, so each transaction is recorded in the store before it is
 * broadcast, and spending asks for confirmation of the agent's own summary
 * of the exact transaction to be signed. Results go to stdout, questions and
 * progress to stderr.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "chain/sr-abi.h"
#include "chain/sr-network-profile.h"
#include "chain/sr-rpc-client.h"
#include "chain/sr-signer.h"
#include "chain/sr-token.h"
#include "chain/sr-tx-manager.h"
#include "crypto/sr-address.h"
#include "crypto/sr-hex.h"
#include "crypto/sr-u256.h"
#include "store/sr-store.h"

#include "sr-cli-wallet.h"

#define ETH_DECIMALS 18
#define UNLOCK_IDLE_S 120

typedef struct {
  char *password_file;
  char *rpc_url;
  char *token;
  char *account;
  char *private_key_file;
  char *mnemonic_file;
  char *output;
  char *label;
  gboolean yes;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->password_file);
  g_free (o->rpc_url);
  g_free (o->token);
  g_free (o->account);
  g_free (o->private_key_file);
  g_free (o->mnemonic_file);
  g_free (o->output);
  g_free (o->label);
}

/* The network the CLI talks to: what the user set in GSettings wins, then
 * the profile tools/devnet writes, then the schema's defaults. */
typedef struct {
  char *name;
  char *rpc_url;
  guint64 chain_id;
  char *token;
} Network;

static void
network_clear (Network *n)
{
  g_free (n->name);
  g_free (n->rpc_url);
  g_free (n->token);
}

static void
network_load (Network *n)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL
    ? g_settings_schema_source_lookup (source, "org.seedreel.Seedreel.Network", TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(SrNetworkProfile) profile = NULL;
  g_autoptr(GVariant) user_url = NULL;
  g_autofree char *ini = g_build_filename (g_get_user_config_dir (), "seedreel", "networks", "devnet.ini", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  /* Without the schema (an uninstalled build), the profile's defaults. */
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
  n->token = g_strdup (sr_network_profile_get_token_address (profile));
  if (user_url == NULL && g_key_file_load_from_file (kf, ini, G_KEY_FILE_NONE, NULL))
    {
      g_autofree char *name = g_key_file_get_string (kf, "Network", "name", NULL);
      g_autofree char *url = g_key_file_get_string (kf, "Network", "rpc-url", NULL);
      g_autofree char *token = g_key_file_get_string (kf, "Network", "token-address", NULL);
      guint64 chain_id = g_key_file_get_uint64 (kf, "Network", "chain-id", NULL);

      if (name != NULL)
        g_free (n->name), n->name = g_steal_pointer (&name);
      if (url != NULL)
        g_free (n->rpc_url), n->rpc_url = g_steal_pointer (&url);
      if (token != NULL && token[0] != '\0')
        g_free (n->token), n->token = g_steal_pointer (&token);
      if (chain_id != 0)
        n->chain_id = chain_id;
    }
}

/* Async calls are run to completion one at a time. */
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

static char *
read_secret_file (const char  *path,
                  const char  *what,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  char *nl;

  if (!g_file_get_contents (path, &contents, NULL, error))
    {
      g_prefix_error (error, _("Cannot read the %s file: "), what);
      return NULL;
    }
  nl = strpbrk (contents, "\r\n");
  if (nl != NULL)
    *nl = '\0';
  return g_strstrip (g_steal_pointer (&contents));
}

static char *
prompt_hidden (const char  *prompt,
               GError     **error)
{
  FILE *tty = fopen ("/dev/tty", "r+");
  struct termios saved, quiet;
  char line[1024];
  gboolean restore = FALSE;
  char *nl;

  if (tty == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No terminal to ask for the password: use --password-file FILE"));
      return NULL;
    }
  fputs (prompt, tty);
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

static char *
get_password (const Options  *o,
              gboolean        twice,
              GError        **error)
{
  g_autofree char *first = NULL, *second = NULL;

  if (o->password_file != NULL)
    return read_secret_file (o->password_file, _("password"), error);
  first = prompt_hidden (_("Password: "), error);
  if (first == NULL)
    return NULL;
  if (twice)
    {
      second = prompt_hidden (_("Repeat the password: "), error);
      if (second == NULL)
        return NULL;
      if (strcmp (first, second) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The passwords do not match"));
          return NULL;
        }
    }
  if (first[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The password is empty"));
      return NULL;
    }
  return g_steal_pointer (&first);
}

/* "1.5" with 18 decimals → 1500000000000000000. */
static gboolean
parse_amount (const char  *text,
              guint        decimals,
              guint8       out[SR_U256_LEN],
              GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *p = text;
  guint fraction = 0;
  gboolean dot = FALSE, any = FALSE;

  for (; *p != '\0'; p++)
    {
      if (*p == '.' && !dot)
        dot = TRUE;
      else if (g_ascii_isdigit (*p))
        {
          if (dot && ++fraction > decimals)
            goto bad;
          g_string_append_c (digits, *p);
          any = TRUE;
        }
      else
        goto bad;
    }
  if (!any)
    goto bad;
  for (; fraction < decimals; fraction++)
    g_string_append_c (digits, '0');
  while (digits->len > 1 && digits->str[0] == '0')
    g_string_erase (digits, 0, 1);
  if (!sr_u256_parse (digits->str, out, NULL))
    goto bad;
  return TRUE;

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an amount (a number such as 1.5, at most %u decimals)"), text, decimals);
  return FALSE;
}

static char *
format_amount (const char *wei_decimal,
               guint       decimals)
{
  g_autoptr(GString) s = g_string_new (wei_decimal);

  while (s->len <= decimals)
    g_string_prepend_c (s, '0');
  if (decimals > 0)
    {
      g_string_insert_c (s, s->len - decimals, '.');
      while (s->str[s->len - 1] == '0')
        g_string_truncate (s, s->len - 1);
      if (s->str[s->len - 1] == '.')
        g_string_truncate (s, s->len - 1);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
format_u256 (const guint8 value[SR_U256_LEN],
             guint        decimals)
{
  g_autofree char *dec = sr_u256_to_decimal (value);
  return format_amount (dec, decimals);
}

/* The account to act for: --account, or the only (first) one. */
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

static int
cmd_create (SrSigner *signer, const Options *o, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *password = get_password (o, TRUE, error);
  g_autofree char *mnemonic = NULL;
  g_autofree char *address = NULL;

  if (password == NULL)
    return 1;
  sr_signer_create_account_async (signer, o->label != NULL ? o->label : "", password, NULL, store_result, &res);
  address = sr_signer_create_account_finish (signer, wait_for (&res), &mnemonic, error);
  if (address == NULL)
    return 1;
  printf ("%s\n", address);
  fprintf (stderr, "%s\n", _("Recovery phrase (write it down now; it is not shown again):"));
  printf ("%s\n", mnemonic != NULL ? mnemonic : "");
  return 0;
}

static int
cmd_import (SrSigner *signer, const Options *o, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *password = NULL, *secret = NULL, *address = NULL;

  if ((o->private_key_file == NULL) == (o->mnemonic_file == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Give exactly one of --private-key-file FILE or --mnemonic-file FILE"));
      return 2;
    }
  secret = o->private_key_file != NULL
    ? read_secret_file (o->private_key_file, _("private key"), error)
    : read_secret_file (o->mnemonic_file, _("recovery phrase"), error);
  if (secret == NULL)
    return 1;
  password = get_password (o, TRUE, error);
  if (password == NULL)
    return 1;
  if (o->private_key_file != NULL)
    sr_signer_import_private_key_async (signer, secret, o->label != NULL ? o->label : "", password, NULL, store_result, &res);
  else
    sr_signer_import_mnemonic_async (signer, secret, 0, o->label != NULL ? o->label : "", password, NULL, store_result, &res);
  address = sr_signer_import_finish (signer, wait_for (&res), error);
  if (address == NULL)
    return 1;
  printf ("%s\n", address);
  return 0;
}

static int
cmd_export (SrSigner *signer, const Options *o, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *address = resolve_account (signer, o, error);
  g_autofree char *password = NULL, *json = NULL;

  if (address == NULL)
    return 1;
  password = get_password (o, FALSE, error);
  if (password == NULL)
    return 1;
  sr_signer_export_keystore_v3_async (signer, address, password, NULL, store_result, &res);
  json = sr_signer_export_keystore_v3_finish (signer, wait_for (&res), error);
  if (json == NULL)
    return 1;
  if (o->output != NULL)
    {
      if (!g_file_set_contents_full (o->output, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        return 1;
      fprintf (stderr, _("Keystore written to %s (encrypted with the wallet’s password)\n"), o->output);
    }
  else
    printf ("%s\n", json);
  return 0;
}

static int
cmd_address (SrSigner *signer, const Options *o, GError **error)
{
  g_autofree char *address = resolve_account (signer, o, error);

  if (address == NULL)
    return 1;
  printf ("%s\n", address);
  return 0;
}

static SrToken *
open_token (SrRpcClient *rpc, const char *address, GError **error)
{
  guint8 raw[SR_ADDRESS_LEN];

  if (address == NULL || address[0] == '\0')
    return NULL;
  if (!sr_address_parse (address, raw, error))
    {
      g_prefix_error (error, _("Token address: "));
      return NULL;
    }
  return sr_token_new (rpc, raw);
}

static gboolean
token_info (SrToken *token, guint *decimals, char **symbol, GError **error)
{
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL;

  sr_token_decimals_async (token, NULL, store_result, &r1);
  if (!sr_token_decimals_finish (token, wait_for (&r1), decimals, error))
    return FALSE;
  sr_token_symbol_async (token, NULL, store_result, &r2);
  *symbol = sr_token_symbol_finish (token, wait_for (&r2), error);
  return *symbol != NULL;
}

static int
cmd_balance (SrSigner *signer, const Options *o, const Network *net, GError **error)
{
  g_autofree char *address = resolve_account (signer, o, error);
  g_autoptr(SrRpcClient) rpc = NULL;
  g_autoptr(SrToken) token = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  guint8 owner[SR_ADDRESS_LEN], balance[SR_U256_LEN];
  g_autofree char *eth = NULL;

  if (address == NULL || !sr_address_parse (address, owner, error))
    return 1;
  rpc = sr_rpc_client_new (net->rpc_url);
  sr_rpc_client_get_balance_async (rpc, owner, "latest", NULL, store_result, &res);
  if (!sr_rpc_client_get_balance_finish (rpc, wait_for (&res), balance, error))
    return 1;
  eth = format_u256 (balance, ETH_DECIMALS);
  printf ("%s ETH\n", eth);

  token = open_token (rpc, net->token, error);
  if (token != NULL)
    {
      g_autoptr(GAsyncResult) tres = NULL;
      g_autofree char *symbol = NULL, *amount = NULL;
      guint decimals = 0;

      if (!token_info (token, &decimals, &symbol, error))
        return 1;
      sr_token_balance_of_async (token, owner, NULL, store_result, &tres);
      if (!sr_token_balance_of_finish (token, wait_for (&tres), balance, error))
        return 1;
      amount = format_u256 (balance, decimals);
      printf ("%s %s\n", amount, symbol);
    }
  else if (error != NULL && *error != NULL)
    return 1;
  return 0;
}

typedef struct {
  SrSigner *signer;
  const char *address;
  const Network *net;
  const char *amount_text;  /* as the user will read it, with the unit */
  const char *recipient;    /* checksummed final recipient */
  gboolean yes;
  gboolean declined;
} SendContext;

typedef struct {
  SendContext *ctx;
  GTask *task;
  GVariant *tx;
} SignCall;

static void
sign_call_free (SignCall *call)
{
  g_clear_object (&call->task);
  g_clear_pointer (&call->tx, g_variant_unref);
  g_free (call);
}

static gboolean
confirm (void)
{
  char line[64];
  FILE *tty = fopen ("/dev/tty", "r+");
  FILE *in = tty != NULL ? tty : stdin;
  FILE *out = tty != NULL ? tty : stderr;
  gboolean yes;

  fprintf (out, "%s ", _("Send? [y/N]"));
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

static void
prepared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignCall *call = user_data;
  SendContext *ctx = call->ctx;
  GError *error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GVariant) summary = sr_signer_prepare_transaction_finish (SR_SIGNER (source), result, &token, &error);
  const char *max_fee = NULL;
  guint64 gas = 0, chain_id = 0;

  if (summary == NULL)
    {
      g_task_return_error (call->task, error);
      sign_call_free (call);
      return;
    }
  g_variant_lookup (summary, "max-fee-per-gas", "&s", &max_fee);
  if (max_fee == NULL)
    g_variant_lookup (summary, "gas-price", "&s", &max_fee);
  g_variant_lookup (summary, "gas", "t", &gas);
  g_variant_lookup (summary, "chain-id", "t", &chain_id);
  {
    /* The most this can cost in fees: gas limit × max fee per gas. */
    guint8 per_gas[SR_U256_LEN], total[SR_U256_LEN];
    g_autofree char *fee_text = NULL;
    unsigned __int128 wide;
    guint64 fee_per_gas = 0;

    if (max_fee != NULL && sr_u256_parse (max_fee, per_gas, NULL) && sr_u256_bit_length (per_gas) <= 64)
      for (int i = 24; i < 32; i++)
        fee_per_gas = (fee_per_gas << 8) | per_gas[i];
    wide = (unsigned __int128) fee_per_gas * gas;
    memset (total, 0, sizeof total);
    for (int i = 31; i >= 16; i--, wide >>= 8)
      total[i] = (guint8) wide;
    fee_text = format_u256 (total, ETH_DECIMALS);

    fprintf (stderr, "%s\n", _("About to send:"));
    fprintf (stderr, "  %-10s %s\n", _("Amount:"), ctx->amount_text);
    fprintf (stderr, "  %-10s %s\n", _("To:"), ctx->recipient);
    fprintf (stderr, "  %-10s %s\n", _("From:"), ctx->address);
    fprintf (stderr, "  %-10s %s (%" G_GUINT64_FORMAT ")\n", _("Network:"),
             chain_id == ctx->net->chain_id ? ctx->net->name : _("Unknown network"), chain_id);
    fprintf (stderr, "  %-10s %s ETH\n", _("Max fee:"), fee_text);
  }
  if (!ctx->yes && !confirm ())
    {
      ctx->declined = TRUE;
      g_task_return_new_error (call->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not sent: you declined"));
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
  SendContext *ctx = user_data;
  SignCall *call = g_new0 (SignCall, 1);

  call->ctx = ctx;
  call->task = task;
  call->tx = g_variant_ref_sink (sr_signer_tx_to_variant (tx));
  sr_signer_prepare_transaction_async (ctx->signer, ctx->address, call->tx, cancellable, prepared_cb, call);
}

static int
cmd_send (SrSigner *signer, const Options *o, const Network *net,
          const char *to_text, const char *amount_text, GError **error)
{
  g_autofree char *address = resolve_account (signer, o, error);
  g_autofree char *password = NULL, *recipient = NULL, *unit = NULL, *shown = NULL;
  g_autofree char *store_path = NULL, *key = NULL, *dir = NULL, *uuid = NULL;
  g_autoptr(SrRpcClient) rpc = NULL;
  g_autoptr(SrToken) token = NULL;
  g_autoptr(SrStore) store = NULL;
  g_autoptr(SrTxManager) manager = NULL;
  g_autoptr(GAsyncResult) r_unlock = NULL, r_chain = NULL, r_reconcile = NULL, r_send = NULL, r_wait = NULL;
  guint rebroadcast = 0;
  g_autoptr(SrStoreTransaction) sent = NULL, done = NULL;
  g_autoptr(GBytes) data = NULL;
  guint8 from[SR_ADDRESS_LEN], to[SR_ADDRESS_LEN], amount[SR_U256_LEN];
  guint decimals = ETH_DECIMALS;
  guint64 chain_id = 0;
  SrTxRequest request = { 0 };
  SendContext ctx = { 0 };

  if (address == NULL || !sr_address_parse (address, from, error))
    return 1;
  if (!sr_address_parse (to_text, to, error))
    {
      g_prefix_error (error, _("Recipient: "));
      return 2;
    }
  recipient = sr_address_to_checksum (to);
  rpc = sr_rpc_client_new (net->rpc_url);
  if (o->token != NULL)
    {
      token = open_token (rpc, o->token, error);
      if (token == NULL || !token_info (token, &decimals, &unit, error))
        return 1;
    }
  else
    unit = g_strdup ("ETH");
  if (!parse_amount (amount_text, decimals, amount, error))
    return 2;

  /* The password first: a wrong one must stop everything before any fee is spent. */
  password = get_password (o, FALSE, error);
  if (password == NULL)
    return 1;
  sr_signer_unlock_async (signer, address, password, UNLOCK_IDLE_S, NULL, store_result, &r_unlock);
  if (!sr_signer_unlock_finish (signer, wait_for (&r_unlock), error))
    return 1;

  sr_rpc_client_get_chain_id_async (rpc, NULL, store_result, &r_chain);
  if (!sr_rpc_client_get_chain_id_finish (rpc, wait_for (&r_chain), &chain_id, error))
    return 1;

  store_path = sr_store_default_path ();
  dir = g_path_get_dirname (store_path);
  g_mkdir_with_parents (dir, 0700);
  store = sr_store_open (store_path, error);
  if (store == NULL)
    return 1;

  shown = g_strdup_printf ("%s %s", amount_text, unit);
  ctx.signer = signer;
  ctx.address = address;
  ctx.net = net;
  ctx.amount_text = shown;
  ctx.recipient = recipient;
  ctx.yes = o->yes;
  manager = sr_tx_manager_new (rpc, store, chain_id, from, sign_with_signer, &ctx, NULL);
  sr_tx_manager_set_poll_interval (manager, 200);

  /* A send an earlier run recorded but never broadcast goes out first: its
   * nonce is taken, so a new send behind it would wait forever. */
  sr_tx_manager_reconcile_async (manager, NULL, store_result, &r_reconcile);
  if (!sr_tx_manager_reconcile_finish (manager, wait_for (&r_reconcile), &rebroadcast, error))
    return 1;
  if (rebroadcast > 0)
    fprintf (stderr, ngettext ("Sent %u transaction recorded by an earlier run that had not reached the network\n",
                               "Sent %u transactions recorded by an earlier run that had not reached the network\n",
                               rebroadcast), rebroadcast);

  request.has_to = TRUE;
  if (token != NULL)
    {
      memcpy (request.to, sr_token_get_address (token), SR_ADDRESS_LEN);
      data = sr_token_encode_transfer (to, amount);
      request.data = data;
    }
  else
    {
      memcpy (request.to, to, SR_ADDRESS_LEN);
      memcpy (request.value, amount, SR_U256_LEN);
    }
  uuid = g_uuid_string_random ();
  key = g_strdup_printf ("cli-send-%s", uuid);
  sr_tx_manager_send_async (manager, &request, key, NULL, store_result, &r_send);
  sent = sr_tx_manager_send_finish (manager, wait_for (&r_send), error);
  if (sent == NULL)
    return 1;
  printf ("%s\n", sent->hash);
  fflush (stdout);
  fprintf (stderr, "%s\n", _("Waiting for the transaction to be included…"));
  sr_tx_manager_wait_async (manager, sent->id, NULL, store_result, &r_wait);
  done = sr_tx_manager_wait_finish (manager, wait_for (&r_wait), error);
  if (done == NULL)
    return 1;
  switch (done->state)
    {
    case SR_STORE_TX_MINED:
      fprintf (stderr, _("Included in block %lld\n"), (long long) done->block_number);
      return 0;
    case SR_STORE_TX_FAILED:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The transaction was included in block %lld but reverted"), (long long) done->block_number);
      return 1;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The transaction was replaced by another one with the same nonce"));
      return 1;
    }
}

static void
usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: seedreel-cli wallet COMMAND [OPTION…]"));
  fprintf (out, "  create                          %s\n", _("Create a wallet and show its recovery phrase"));
  fprintf (out, "  import --private-key-file FILE  %s\n", _("Import a private key (or --mnemonic-file FILE)"));
  fprintf (out, "  export [--output FILE]          %s\n", _("Write the key as a Web3 Secret Storage v3 file"));
  fprintf (out, "  address                         %s\n", _("Show the account’s address"));
  fprintf (out, "  balance                         %s\n", _("Show ETH and token balances"));
  fprintf (out, "  send TO AMOUNT [--token ADDR]   %s\n", _("Send ETH or tokens"));
  fprintf (out, "%s\n", _("Run “seedreel-cli wallet COMMAND --help” for the options."));
}

int
sr_cli_wallet_main (int argc, char **argv)
{
  Options o = { 0 };
  Network net = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SrSigner) signer = NULL;
  g_autofree char *parameter = NULL;
  const char *command;
  int status = 1;
  GOptionEntry entries[] = {
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &o.password_file, N_("Read the password from FILE instead of the terminal"), N_("FILE") },
    { "rpc-url", 0, 0, G_OPTION_ARG_STRING, &o.rpc_url, N_("The Ethereum JSON-RPC endpoint (default: the network profile)"), N_("URL") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &o.token, N_("The ERC-20 token (balance: default the profile’s; send: tokens instead of ETH)"), N_("ADDRESS") },
    { "account", 'a', 0, G_OPTION_ARG_STRING, &o.account, N_("The account to use (default: the first)"), N_("ADDRESS") },
    { "private-key-file", 0, 0, G_OPTION_ARG_FILENAME, &o.private_key_file, N_("import: a file holding a hex private key"), N_("FILE") },
    { "mnemonic-file", 0, 0, G_OPTION_ARG_FILENAME, &o.mnemonic_file, N_("import: a file holding a BIP-39 recovery phrase"), N_("FILE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("export: write the keystore to FILE"), N_("FILE") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &o.label, N_("create/import: a name for the account"), N_("NAME") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &o.yes, N_("send: do not ask for confirmation"), NULL },
    { NULL }
  };

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  command = argv[1];
  parameter = g_strdup_printf ("%s%s", command, g_str_equal (command, "send") ? " TO AMOUNT" : "");
  context = g_option_context_new (parameter);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  argc--, argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      options_clear (&o);
      return 2;
    }

  network_load (&net);
  if (o.rpc_url != NULL)
    {
      g_free (net.rpc_url);
      net.rpc_url = g_strdup (o.rpc_url);
    }
  if (o.token != NULL)
    {
      g_free (net.token);
      net.token = g_strdup (o.token);
    }

  if (!g_str_equal (command, "create") && !g_str_equal (command, "import") &&
      !g_str_equal (command, "export") && !g_str_equal (command, "address") &&
      !g_str_equal (command, "balance") && !g_str_equal (command, "send"))
    {
      fprintf (stderr, _("Unknown wallet command “%s”\n"), command);
      usage (stderr);
      status = 2;
      goto out;
    }
  if (g_str_equal (command, "send") ? argc != 3 : argc != 1)
    {
      usage (stderr);
      status = 2;
      goto out;
    }

  signer = sr_signer_spawn (NULL, &error);
  if (signer == NULL)
    goto out;

  if (g_str_equal (command, "create"))
    status = cmd_create (signer, &o, &error);
  else if (g_str_equal (command, "import"))
    status = cmd_import (signer, &o, &error);
  else if (g_str_equal (command, "export"))
    status = cmd_export (signer, &o, &error);
  else if (g_str_equal (command, "address"))
    status = cmd_address (signer, &o, &error);
  else if (g_str_equal (command, "balance"))
    status = cmd_balance (signer, &o, &net, &error);
  else
    status = cmd_send (signer, &o, &net, argv[1], argv[2], &error);

out:
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
