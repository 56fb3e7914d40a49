"""The simulated customer of practice sessions (offline persona engine).

``PersonaEngine`` plays one scenario's persona deterministically; ``reveal`` summarises what the
customer was hiding and what the agent discovered. See ``engine`` for the behaviour model.
"""

from practice.persona.engine import CustomerReply, PersonaEngine, reveal

__all__ = ["CustomerReply", "PersonaEngine", "reveal"]
