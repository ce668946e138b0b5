#!/bin/sh
# Run by docker-compose's minio-init at every start (each step is safe to repeat): the private
# bucket for the app's files and the app's own key, which may use that bucket and nothing else.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$BUCKET"
mc anonymous set none "local/$BUCKET"
cat > /tmp/app-policy.json <<POLICY
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
   "Resource": ["arn:aws:s3:::$BUCKET"]},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
   "Resource": ["arn:aws:s3:::$BUCKET/*"]}]}
POLICY
mc admin policy create local yorozu-files /tmp/app-policy.json
mc admin user add local "$APP_ACCESS_KEY" "$APP_SECRET_KEY"
# Attaching a policy already attached is an error: fine when the user has it.
mc admin policy attach local yorozu-files --user "$APP_ACCESS_KEY" \
  || mc admin policy entities local --user "$APP_ACCESS_KEY" | grep -q yorozu-files
echo "bucket $BUCKET ready"
