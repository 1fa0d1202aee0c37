/* sr-wallet-page.c — the Wallet page. Until its content exists it shows an
 * empty state saying what will appear here. */
#include "config.h"

#include "sr-wallet-page.h"

struct _SrWalletPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (SrWalletPage, sr_wallet_page, ADW_TYPE_BIN)

static void
sr_wallet_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_WALLET_PAGE);

  G_OBJECT_CLASS (sr_wallet_page_parent_class)->dispose (object);
}

static void
sr_wallet_page_class_init (SrWalletPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_wallet_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-wallet-page.ui");
}

static void
sr_wallet_page_init (SrWalletPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
