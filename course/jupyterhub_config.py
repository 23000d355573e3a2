"""JupyterHub for a class of this course, on one server: the set-up `tests/test_hub.py` runs.

Students log in with their own accounts on the machine (private homes: `useradd -m -K HOME_MODE=0700`), get
JupyterLab with nbgrader's assignment list and Validate, and nothing else of nbgrader; instructors get the
formgrader too. Every server runs the course's one Python environment, and nbgrader's exchange is a
folder everyone reaches. Copy this file to `/etc/jupyterhub/jupyterhub_config.py`, set the values below (or
the environment variables they read), and start `jupyterhub -f /etc/jupyterhub/jupyterhub_config.py` as
root. course/README.md ("Serving a class with JupyterHub") gives every step around it.
"""

import os

c = get_config()  # noqa: F821 - provided by JupyterHub when it reads this file

# The Python environment every server runs, with the course installed (`pip install -r requirements.txt`). It
# must be one every account can run: not a Python inside root's home.
COURSE_ENV = os.environ.get("RNN_COURSE_ENV", "/opt/rnn-course")
# course/learner_jupyter copied where every account can read it: it switches nbgrader's teacher tools off.
LEARNER_JUPYTER = os.environ.get("RNN_COURSE_LEARNER_JUPYTER", os.path.join(COURSE_ENV, "etc", "learner_jupyter"))
# The folder holding the nbgrader_config.py every account reads (course id, `Exchange.root`, mode 1777).
SHARED_JUPYTER = os.environ.get("RNN_COURSE_SHARED_JUPYTER", "/etc/jupyter")
# Who may log in: the machine's account names, separated by spaces.
STUDENTS = set(os.environ.get("RNN_COURSE_STUDENTS", "").split())
INSTRUCTORS = set(os.environ.get("RNN_COURSE_INSTRUCTORS", "").split())

# The machine's own accounts (PAM, JupyterHub's default), each server started under its owner's uid.
c.JupyterHub.authenticator_class = "pam"
c.JupyterHub.spawner_class = "localprocess"
c.Authenticator.allowed_users = STUDENTS | INSTRUCTORS

c.Spawner.cmd = [os.path.join(COURSE_ENV, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "PATH": os.pathsep.join([os.path.join(COURSE_ENV, "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
    "TF_CPP_MIN_LOG_LEVEL": "3",  # quiet TensorFlow in every kernel, as `make lab` does
    "TF_ENABLE_ONEDNN_OPTS": "0",
}


def learner_or_teacher(spawner):
    """A student's server reads the learner's config first (no formgrader, Create Assignment, course list)."""
    folders = [SHARED_JUPYTER] if spawner.user.name in INSTRUCTORS else [LEARNER_JUPYTER, SHARED_JUPYTER]
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": os.pathsep.join(folders)}


c.Spawner.pre_spawn_hook = learner_or_teacher

# A service that may start servers and hand out tokens (set RNN_COURSE_SERVICE_TOKEN to a long random string):
# the class test drives the hub through it, and a teacher can script a class with it the same way (start every
# server before a lesson, read who is active). Without the variable there is no such service.
if os.environ.get("RNN_COURSE_SERVICE_TOKEN"):
    c.JupyterHub.services = [{"name": "course-admin", "api_token": os.environ["RNN_COURSE_SERVICE_TOKEN"]}]
    c.JupyterHub.load_roles = [{
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"],
        "services": ["course-admin"],
    }]
