/* sr-signer-service-error.h: the errors seedreel-signer returns over D-Bus.
 *
 * Each code is registered under a D-Bus error name
 * org.seedreel.Signer1.Error.<Name>, so the client maps them back to its own
 * SR_SIGNER_ERROR codes without parsing messages.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SR_SIGNER_SERVICE_ERROR (sr_signer_service_error_quark ())

typedef enum {
  SR_SIGNER_SERVICE_ERROR_FAILED,
  SR_SIGNER_SERVICE_ERROR_WRONG_PASSWORD,
  SR_SIGNER_SERVICE_ERROR_LOCKED,
  SR_SIGNER_SERVICE_ERROR_NO_SUCH_ACCOUNT,
  SR_SIGNER_SERVICE_ERROR_ACCOUNT_EXISTS,
  SR_SIGNER_SERVICE_ERROR_DAMAGED_KEYSTORE,
  SR_SIGNER_SERVICE_ERROR_CONFIRMATION_REQUIRED,
  SR_SIGNER_SERVICE_ERROR_INVALID_ARGUMENT,
} SrSignerServiceError;

GQuark sr_signer_service_error_quark (void);

G_END_DECLS
