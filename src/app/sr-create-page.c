/* sr-create-page.c — the Create page. Until its content exists it shows an
 * empty state saying what will appear here. */
#include "config.h"

#include "sr-create-page.h"

struct _SrCreatePage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (SrCreatePage, sr_create_page, ADW_TYPE_BIN)

static void
sr_create_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SR_TYPE_CREATE_PAGE);

  G_OBJECT_CLASS (sr_create_page_parent_class)->dispose (object);
}

static void
sr_create_page_class_init (SrCreatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sr_create_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/sr-create-page.ui");
}

static void
sr_create_page_init (SrCreatePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
