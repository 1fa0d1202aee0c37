/* sr-worker-db.h: the transcoding worker's own small SQLite database of jobs,
 * so a restarted worker resumes uploads and reports interrupted work honestly. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gchar  *id;
  gchar  *token_hash;   /* hex sha256 of the job's bearer token */
  gchar  *state;
  gchar  *message;
  gchar  *ladder_json;
  gchar  *sha256;
  gint64  size;
  gint64  received;
} SrWorkerDbJob;

typedef struct _SrWorkerDb SrWorkerDb;

SrWorkerDb *sr_worker_db_open       (const gchar         *path,
                                     GError             **error);
void        sr_worker_db_close      (SrWorkerDb          *db);
gboolean    sr_worker_db_save       (SrWorkerDb          *db,
                                     const SrWorkerDbJob *job,
                                     GError             **error);
gboolean    sr_worker_db_delete     (SrWorkerDb          *db,
                                     const gchar         *id,
                                     GError             **error);
/* Returns SrWorkerDbJob* elements owned by the array. */
GPtrArray  *sr_worker_db_load_all   (SrWorkerDb          *db,
                                     GError             **error);
void        sr_worker_db_job_free   (SrWorkerDbJob       *job);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrWorkerDb, sr_worker_db_close)

G_END_DECLS
