"""The bias audit: BBQ, KoBBQ, CBBQ, JBBQ and CrowS-Pairs (English, French), scored as their authors define.

Modules: :mod:`.items` (one item type for every benchmark), :mod:`.bbq` (BBQ/JBBQ reader and the target
derivation of ``BBQ_results_metadata.R``), :mod:`.readers` (KoBBQ, CBBQ, CrowS-Pairs), :mod:`.data`
(where the files are: bundled assets or ``--data DIR``), :mod:`.metrics` (one function per published
metric, over summed per-item statistics), :mod:`.scoring` (prompts and model requests),
:mod:`.predictions` (``--predictions`` files) and :mod:`.audit` (the :class:`~.audit.BiasAudit`).
"""
