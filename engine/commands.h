/* vigil's subcommands (vigil NAME ...): each takes main's argc/argv (argv[1] is its
 * name) and returns the exit status: 0 success, 1 a failure of the work, 2 a usage error. */
#ifndef VIGIL_COMMANDS_H
#define VIGIL_COMMANDS_H

enum { EXIT_OK = 0, EXIT_WORK = 1, EXIT_USAGE = 2 };

int command_init(int argc, char **argv);    /* engine/cmd_init.c */
int command_report(int argc, char **argv);  /* engine/cmd_report.c */
int command_list(int argc, char **argv);    /* engine/cmd_list.c */
int command_help(int argc, char **argv);    /* engine/cmd_help.c */
int command_import(int argc, char **argv);  /* engine/cmd_import.c */
int command_export(int argc, char **argv);  /* engine/cmd_export.c */

#endif
