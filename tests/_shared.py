"""What the test modules share at import time: the tiny networks and the extra estimator checks.

The fixtures (the bundled samples, the beats and pairs cut from them) are in
``conftest.py``; what a decorator needs while the modules are collected is here.
"""

from sklearn.utils.estimator_checks import (
    check_global_output_transform_pandas,
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
)

# Networks small enough to train in a second. One convolutional block with
# "same" padding, so that scikit-learn's checks can feed rows of a few columns.
TINY_CNN = dict(conv_filters=(8,), kernel_size=3, padding="same", dense_units=(16,),
                batch_size=32, learning_rate=0.03)
TINY_SIAMESE = dict(embedding_dim=8, dense_units=(16,), conv_filters=(8,), kernel_size=3,
                    path_units=8, merge_units=16, batch_size=32, learning_rate=0.01)
TINY_CONTRASTIVE = dict(conv_filters=(8,), kernel_size=3, padding="same", embedding_dim=4,
                        projection_units=(8,), batch_size=32, learning_rate=0.01)
# Two blocks and "valid" padding: the other path of the NumPy forward pass, and the
# record models of the pipeline and Dask tests.
SMALL_CNN = dict(conv_filters=(8, 8), kernel_size=3, dense_units=(16,))

# check_estimator does not run the set_output / feature-name checks (scikit-learn 1.9).
SET_OUTPUT_CHECKS = [
    check_set_output_transform,
    check_set_output_transform_pandas,
    check_global_output_transform_pandas,
    check_transformer_get_feature_names_out,
    check_transformer_get_feature_names_out_pandas,
]
TINY_METRIC = dict(embedding_dim=8, dense_units=(16,), conv_filters=(8,), kernel_size=3,
                   batch_size=32, learning_rate=0.01)
