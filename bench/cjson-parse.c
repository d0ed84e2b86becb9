/* cjson-parse.c - the floor the benchmark compares sgplan with: read every
 * FILE and parse it with cJSON (every document in it, one after another),
 * then free it.  No analysis; exit 1 when a file does not parse. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      FILE *f = fopen (argv[i], "rb");
      char *buf;
      long len;
      const char *at, *end;

      if (f == NULL || fseek (f, 0, SEEK_END) != 0 || (len = ftell (f)) < 0 || fseek (f, 0, SEEK_SET) != 0)
        return perror (argv[i]), 1;
      buf = malloc ((size_t) len + 1);
      if (buf == NULL || fread (buf, 1, (size_t) len, f) != (size_t) len)
        return perror (argv[i]), 1;
      buf[len] = '\0';
      fclose (f);
      at = buf;
      end = buf + len;
      while (at < end)
        {
          const char *stop = NULL;
          cJSON *doc;

          while (at < end && strchr (" \t\r\n", *at) != NULL)
            at++;
          if (at == end)
            break;
          doc = cJSON_ParseWithLengthOpts (at, (size_t) (end - at), &stop, 0);
          if (doc == NULL)
            return fprintf (stderr, "%s: not JSON\n", argv[i]), 1;
          cJSON_Delete (doc);
          at = stop;
        }
      free (buf);
    }
  return 0;
}
