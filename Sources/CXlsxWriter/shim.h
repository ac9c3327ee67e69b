// libxlsxwriter (Debian: libxlsxwriter-dev), the maintained C library that writes XLSX files.
#include <xlsxwriter.h>
