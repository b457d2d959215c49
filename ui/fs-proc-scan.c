/* fs-proc-scan.c: reads /proc/PID/{stat,status,cmdline}.  The fields of stat
 * after the comm are split after the *last* ')' because a comm may itself
 * contain spaces and parentheses. */
#include "fs-proc-scan.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

void
fs_proc_info_free (FsProcInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->user);
  g_free (info->cmdline);
  g_free (info);
}

static gboolean
parse_stat (const char *stat, FsProcInfo *info)
{
  const char *open = strchr (stat, '(');
  const char *close = strrchr (stat, ')');
  if (open == NULL || close == NULL || close < open)
    return FALSE;
  info->name = g_strndup (open + 1, (gsize) (close - open - 1));

  /* Fields after the comm: state(3) ppid(4) … starttime(22). */
  g_auto (GStrv) fields = g_strsplit (close + 1, " ", -1);
  /* fields[0] is the empty string before the state. */
  if (g_strv_length (fields) < 21)
    return FALSE;
  info->ppid = (gint32) strtol (fields[2], NULL, 10);
  info->start_ticks = g_ascii_strtoull (fields[20], NULL, 10);
  return TRUE;
}

static guint32
read_uid (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "status", NULL);
  g_autofree char *status = NULL;
  if (!g_file_get_contents (path, &status, NULL, NULL))
    return G_MAXUINT32;
  const char *line = strstr (status, "\nUid:");
  if (line == NULL)
    return G_MAXUINT32;
  /* Real, effective, saved, filesystem: the real uid owns the process. */
  return (guint32) strtoul (line + 5, NULL, 10);
}

static char *
user_name (guint32 uid)
{
  if (uid == G_MAXUINT32)
    return g_strdup ("?");
  struct passwd pwd, *result = NULL;
  char buf[1024];
  if (getpwuid_r (uid, &pwd, buf, sizeof buf, &result) == 0 && result != NULL)
    return g_strdup (result->pw_name);
  return g_strdup_printf ("%u", uid);
}

static char *
read_cmdline (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, "cmdline", NULL);
  g_autofree char *raw = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &raw, &len, NULL) || len == 0)
    return g_strdup_printf ("[%s]", name);
  while (len > 0 && raw[len - 1] == '\0')
    len--;
  for (gsize i = 0; i < len; i++)
    if (raw[i] == '\0' || raw[i] == '\n')
      raw[i] = ' ';
  raw[len] = '\0';
  return g_utf8_make_valid (raw, (gssize) len);
}

FsProcInfo *
fs_proc_read (const char *proc_root, gint32 pid)
{
  g_autofree char *pid_text = g_strdup_printf ("%d", pid);
  g_autofree char *dir = g_build_filename (proc_root ? proc_root : "/proc", pid_text, NULL);
  g_autofree char *stat_path = g_build_filename (dir, "stat", NULL);
  g_autofree char *stat = NULL;
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return NULL;

  g_autoptr (FsProcInfo) info = g_new0 (FsProcInfo, 1);
  info->pid = pid;
  if (!parse_stat (stat, info))
    return NULL;
  info->uid = read_uid (dir);
  info->user = user_name (info->uid);
  info->cmdline = read_cmdline (dir, info->name);
  return g_steal_pointer (&info);
}

static int
compare_pid (gconstpointer a, gconstpointer b)
{
  const FsProcInfo *pa = *(const FsProcInfo *const *) a;
  const FsProcInfo *pb = *(const FsProcInfo *const *) b;
  return (pa->pid > pb->pid) - (pa->pid < pb->pid);
}

GPtrArray *
fs_proc_scan (const char *proc_root, GError **error)
{
  const char *root = proc_root ? proc_root : "/proc";
  g_autoptr (GDir) dir = g_dir_open (root, 0, error);
  if (dir == NULL)
    return NULL;

  GPtrArray *procs = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_proc_info_free);
  const char *entry;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      char *end = NULL;
      errno = 0;
      long pid = strtol (entry, &end, 10);
      if (errno != 0 || end == entry || *end != '\0' || pid <= 0 || pid > G_MAXINT32)
        continue;
      FsProcInfo *info = fs_proc_read (root, (gint32) pid);
      if (info)
        g_ptr_array_add (procs, info);
    }
  g_ptr_array_sort (procs, compare_pid);
  return procs;
}

gboolean
fs_proc_info_matches (const FsProcInfo *info, const char *query)
{
  if (query == NULL)
    return TRUE;
  g_auto (GStrv) words = g_strsplit_set (query, " \t", -1);
  g_autofree char *pid_text = g_strdup_printf ("%d", info->pid);
  const char *haystacks[] = { pid_text, info->name, info->user, info->cmdline };
  char *lowered[G_N_ELEMENTS (haystacks)] = { NULL };
  for (guint h = 0; h < G_N_ELEMENTS (haystacks); h++)
    lowered[h] = g_utf8_casefold (haystacks[h] ? haystacks[h] : "", -1);

  gboolean all = TRUE;
  for (guint w = 0; all && words[w]; w++)
    {
      if (words[w][0] == '\0')
        continue;
      g_autofree char *word = g_utf8_casefold (words[w], -1);
      gboolean found = FALSE;
      for (guint h = 0; !found && h < G_N_ELEMENTS (haystacks); h++)
        found = strstr (lowered[h], word) != NULL;
      all = found;
    }
  for (guint h = 0; h < G_N_ELEMENTS (haystacks); h++)
    g_free (lowered[h]);
  return all;
}

GArray *
fs_proc_descendants (GPtrArray *procs, gint32 pid)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint32));
  /* Breadth-first over the parent links; the table is small (all processes). */
  g_autoptr (GArray) frontier = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_array_append_val (frontier, pid);
  for (guint f = 0; f < frontier->len; f++)
    {
      gint32 parent = g_array_index (frontier, gint32, f);
      for (guint i = 0; i < procs->len; i++)
        {
          const FsProcInfo *info = g_ptr_array_index (procs, i);
          if (info->ppid == parent && info->pid != pid)
            {
              g_array_append_val (out, info->pid);
              g_array_append_val (frontier, info->pid);
            }
        }
    }
  return out;
}
